import ActorKeys
import Admin
import ArgumentParser

extension ActorKeysCommand.Key {
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rotate an actor's key (no --actor: the shared key). Live at once, lossless, no restart.",
            discussion: """
                Makes a new active version; the previous one becomes decrypt-only and every existing row \
                stays readable. Exit codes: 2 invalid name (or primary), 3 unknown actor, 4 name conflict.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The actor (default: the shared key).", valueName: "ID"))
        var actor: String?

        @Option(name: .long, help: ArgumentHelp("The new version's name (default: the next vN).", valueName: "SLUG"))
        var name: String?

        @Flag(name: .long, help: "Replace a key file of that name that is not a key version.")
        var force = false

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let owner = try Owner.from(actor: actor)
            let administration = try await workspace.administration()
            let rotation: Rotation
            do { rotation = try await administration.rotate(owner, name: name, force: force) } catch { throw CLIError(error) }
            if output.json {
                try output.printJSON(RotationReport(rotation))
            } else {
                print("rotated \(owner.label): \(rotation.previous.fingerprint) -> \(rotation.version.fingerprint) (v\(rotation.version.version), \(rotation.files.identityPath))")
                print(rotation.nextStep)
            }
        }
    }
}

/// The JSON body of a rotation, the same as the HTTP API's.
struct RotationReport: Encodable {
    let actor: String?
    let fingerprint: String
    let previousFingerprint: String
    let recipient: String
    let version: Int
    let name: String
    let identityPath: String
    let recipientPath: String
    let nextStep: String

    init(_ rotation: Rotation) {
        actor = rotation.owner.actor?.rawValue
        fingerprint = rotation.version.fingerprint.hex
        previousFingerprint = rotation.previous.fingerprint.hex
        recipient = rotation.version.recipient.encoded
        version = rotation.version.version
        name = rotation.version.name.rawValue
        identityPath = rotation.files.identityPath
        recipientPath = rotation.files.recipientPath
        nextStep = rotation.nextStep
    }

    enum CodingKeys: String, CodingKey {
        case actor, fingerprint, recipient, version, name
        case previousFingerprint = "previous_fingerprint", identityPath = "identity_path"
        case recipientPath = "recipient_path", nextStep = "next_step"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(actor, forKey: .actor)
        try container.encode(fingerprint, forKey: .fingerprint)
        try container.encode(previousFingerprint, forKey: .previousFingerprint)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(version, forKey: .version)
        try container.encode(name, forKey: .name)
        try container.encode(identityPath, forKey: .identityPath)
        try container.encode(recipientPath, forKey: .recipientPath)
        try container.encode(nextStep, forKey: .nextStep)
    }
}
