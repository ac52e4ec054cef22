#if FUZZING
import CLibFuzzer
import Foundation

/// The target named by GROUPBOT_FUZZ_TARGET, read once.
nonisolated(unsafe) private var selectedTarget = FuzzTarget.wire

/// libFuzzer's driver behind our own `main` (a SwiftPM executable must have one):
/// built with `-sanitize=fuzzer` by `make fuzz`; takes libFuzzer's usual arguments.
@main
enum LibFuzzerEntry {
    static func main() {
        let name = ProcessInfo.processInfo.environment["GROUPBOT_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("set GROUPBOT_FUZZ_TARGET to one of \(names)\n".utf8))
            exit(2)
        }
        selectedTarget = target
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
    }
}

/// One input for the selected target; also under libFuzzer's usual name, which its
/// runtime refers to even when driven through `LLVMFuzzerRunDriver`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    selectedTarget.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#endif
