import Foundation
import TestSupport
import Testing

@Suite("actorkeys start-up")
struct StartupTests {
    /// The shared objects the dynamic loader opened for a run of `actorkeys` (glibc's LD_DEBUG).
    static func loadedLibraries(_ arguments: [String], home: String) throws -> (CommandResult, [String]) {
        var environment = ProcessInfo.processInfo.environment
        environment["LD_DEBUG"] = "files"
        environment["ACTORKEYS_HOME"] = home
        environment.removeValue(forKey: "ACTORKEYS_DATABASE_URL")
        let result = try run(Tools.actorkeys, arguments, environment: environment)
        let opened = result.stderr.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "file=") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != " " && $0 != "[" })
        }
        return (result, opened)
    }

    @Test(
        "libpq and its libraries are loaded only by a run that talks to PostgreSQL", arguments: TestBackend.allCases)
    func libpqOnlyForPostgres(backend: TestBackend) throws {
        let directory = TemporaryDirectory()
        let database = try backend.freshDatabaseURL(in: directory)
        let home = directory.file("home")
        let (keygen, keygenLibraries) = try Self.loadedLibraries(
            ["keygen", "-o", directory.file("key.txt")], home: home)
        #expect(keygen.status == 0)
        #expect(!keygenLibraries.isEmpty, "LD_DEBUG reported nothing: \(keygen.stderr.prefix(300))")
        #expect(!keygenLibraries.contains { $0.hasPrefix("libpq") }, "\(keygenLibraries)")
        let (initialized, initLibraries) = try Self.loadedLibraries(["init", "--database", database], home: home)
        #expect(initialized.status == 0, "\(initialized.stderr.suffix(500))")
        let libpq = initLibraries.contains { $0.hasPrefix("libpq") }
        #expect(libpq == (backend == .postgres), "\(backend): \(initLibraries)")
    }
}
