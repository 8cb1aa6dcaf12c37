import ActorKeys
import Admin

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
