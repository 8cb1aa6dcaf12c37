import ActorKeys
import Admin
import ArgumentParser

extension Owner {
    /// `--actor ID` or the shared key, for the commands where no `--actor` means shared.
    static func from(actor: String?) throws(CLIError) -> Owner {
        guard let actor else { return .shared }
        return .actor(try ActorID.parse(actor))
    }
}

extension ActorID {
    static func parse(_ text: String) throws(CLIError) -> ActorID {
        do { return try ActorID(text) } catch { throw CLIError(error) }
    }
}

/// ActorOption is `--actor ID`, for the commands that act on one actor.
struct ActorOption: ParsableArguments {
    @Option(name: .customLong("actor"), help: ArgumentHelp("The actor.", valueName: "ID"))
    var text: String

    /// The actor id, or a usage error that says what an id is.
    func id() throws(CLIError) -> ActorID { try ActorID.parse(text) }
}
