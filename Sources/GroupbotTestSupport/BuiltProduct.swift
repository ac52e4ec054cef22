import Foundation

/// Executables the package builds, found where the build put them: beside the test
/// bundle that is running (the same build directory, whatever the scratch path or the
/// configuration), unless `GROUPBOT_BINARY` names one.
package enum BuiltProduct {
    /// The `groupbot` executable.
    package static let groupbot = path(of: "groupbot")

    /// The path of the executable product `name`.
    package static func path(of name: String) -> String {
        if name == "groupbot", let path = ProcessInfo.processInfo.environment["GROUPBOT_BINARY"] { return path }
        // The test runner is `<build dir>/<package>PackageTests.xctest` (a file on Linux, a bundle on macOS).
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/", !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent(name).path) {
            if directory.pathExtension == "xctest" || directory.lastPathComponent == "Contents" || directory.lastPathComponent == "MacOS" {
                directory.deleteLastPathComponent()
                continue
            }
            break
        }
        return directory.appendingPathComponent(name).path
    }
}
