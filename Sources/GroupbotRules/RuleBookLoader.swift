import Foundation
import GroupbotCore
import Yams

/// Loads a directory of rule files into a ``RuleBook``.
///
/// `groups.yaml` maps groups to types; every other `*.yaml` / `*.yml` file is
/// a group type named after the file. Every mistake in every file is reported
/// at once, each with file:line:column.
package enum RuleBookLoader {
    /// The name of the mapping file inside a rules directory (`groups.yml` works too).
    package static let mappingFile = "groups.yaml"

    static func isMapping(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return name == mappingFile || name == "groups.yml"
    }

    /// Loads every rule file in `directory`.
    /// - Throws: ``RuleErrors`` listing every mistake found.
    package static func load(directory: String) throws(RuleErrors) -> RuleBook {
        try loadWithTests(directory: directory, lintsDeeply: false).book
    }

    /// A loaded rule set with what came with it: the files' tests and lint warnings.
    package struct Loaded: Sendable {
        package let book: RuleBook
        package let tests: [RuleTestCase]
        /// Probable mistakes that do not stop the rules from loading, in file and line order.
        package let warnings: [RuleError]
    }

    /// Loads every rule file in `directory`, with the tests the files carry and lint warnings.
    /// `lintsDeeply: false` skips the warnings that cost time (trying each regex on long
    /// probe texts): `run` and `serve` load rules without showing warnings.
    package static func loadWithTests(directory: String, lintsDeeply: Bool = true) throws(RuleErrors) -> Loaded {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? manager.contentsOfDirectory(atPath: directory)
        else {
            throw RuleErrors([RuleError(at: SourceLocation(file: directory, line: 1, column: 1),
                                        "no such rules directory", expected: "a directory of .yaml rule files")])
        }
        var files: [(path: String, contents: String)] = []
        var errors: [RuleError] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = manager.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                errors.append(RuleError(at: SourceLocation(file: path, line: 1, column: 1),
                                        "cannot read the file as UTF-8 text"))
                continue
            }
            files.append((path, text))
        }
        switch Result(catching: { () throws(RuleErrors) in try loadWithTests(files: files, lintsDeeply: lintsDeeply) }) {
        case .success(let loaded) where errors.isEmpty: return loaded
        case .success: throw RuleErrors(errors)
        case .failure(let failure): throw RuleErrors(errors + failure.errors)
        }
    }

    /// Loads rule files given as (path, contents) pairs; the file named `groups.yaml` is the mapping.
    package static func load(files: [(path: String, contents: String)]) throws(RuleErrors) -> RuleBook {
        try loadWithTests(files: files, lintsDeeply: false).book
    }

    /// Loads rule files given as (path, contents) pairs, with the tests they carry.
    package static func loadWithTests(files: [(path: String, contents: String)], lintsDeeply: Bool = true) throws(RuleErrors) -> Loaded {
        var warnings: [RuleError] = []
        var errors: [RuleError] = []
        var typeFiles: [TypeFile] = []
        var mapping: (GroupMapping, [(type: String, location: SourceLocation)])?
        for (path, contents) in files {
            let reader = YAMLNodeReader(file: path, lintsDeeply: lintsDeeply)
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            guard let root = reader.compose(contents, empty: "rules: followed by a list of rules") else {
                errors += reader.errors
                warnings += reader.warnings
                continue
            }
            if isMapping(path) {
                mapping = MappingParser(reader: reader).parse(root)
            } else {
                typeFiles.append(RuleFileParser(reader: reader).parse(root, typeName: stem))
            }
            errors += reader.errors
            warnings += reader.warnings
        }
        var compiler = RuleBookCompiler(files: typeFiles)
        let types = compiler.compile()
        errors += compiler.errors
        warnings += compiler.warnings
        // Stems of every type file, parsed or not, so a broken file does not also look missing.
        let abstract = Set(typeFiles.filter { $0.abstractLocation != nil }.map(\.name))
        let typeNames = files.map(\.path).filter { !isMapping($0) }
            .map { (($0 as NSString).lastPathComponent as NSString).deletingPathExtension }
            .filter { !abstract.contains($0) }
        let directory = files.first.map { ($0.path as NSString).deletingLastPathComponent } ?? "."
        let resolvedMapping: GroupMapping
        if let (parsed, references) = mapping {
            resolvedMapping = parsed
            let concrete = typeFiles.map(\.name).filter { !abstract.contains($0) }
            for (type, location) in references where types[type] == nil || abstract.contains(type) {
                if abstract.contains(type) {
                    errors.append(RuleError(at: location, "'\(type)' is abstract: no group can be of it",
                                            expected: "a type that extends it: \(concrete.sorted().joined(separator: ", "))"))
                } else if !typeFiles.contains(where: { $0.name == type }) {
                    errors.append(RuleError(at: location, "no group type '\(type)'",
                                            expected: "one of \(concrete.sorted().joined(separator: ", "))",
                                            suggestion: Spelling.suggestion(for: type, among: concrete)))
                }
            }
        } else if typeNames.count == 1 || typeNames.contains("general") {
            // Without a mapping, the only type (or `general`) serves every group.
            resolvedMapping = GroupMapping(entries: [], defaultType: typeNames.count == 1 ? typeNames[0] : "general")
        } else {
            errors.append(RuleError(at: SourceLocation(file: (directory as NSString).appendingPathComponent(mappingFile), line: 1, column: 1),
                                    "no group mapping", expected: "a groups.yaml with default: <type>, or a general.yaml"))
            resolvedMapping = GroupMapping(entries: [], defaultType: "general")
        }
        guard errors.isEmpty else {
            throw RuleErrors(errors.sorted { ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column) })
        }
        let order: (RuleError, RuleError) -> Bool = {
            ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column)
        }
        return Loaded(book: RuleBook(types: types, mapping: resolvedMapping, abstractTypes: abstract), tests: typeFiles.flatMap(\.tests),
                      warnings: warnings.sorted(by: order))
    }
}
