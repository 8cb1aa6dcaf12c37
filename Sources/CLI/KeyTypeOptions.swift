import ActorKeys
import ArgumentParser

/// KeyTypeOptions chooses the type of a new key: `--pq` for the hybrid post-quantum
/// MLKEM768-X25519 (age 1.3's `age1pq1…`), `--classic` for X25519; neither keeps the default
/// (the owner's current type on rotation, else the workspace's: the shared key's).
struct KeyTypeOptions: ParsableArguments {
    @Flag(
        name: .customLong("pq"),
        help: "A post-quantum key (MLKEM768-X25519, age1pq1…): safe from \"harvest now, decrypt later\".")
    var postQuantum = false

    @Flag(name: .customLong("classic"), help: "A classic X25519 key (age1…).")
    var classic = false

    func validate() throws {
        if postQuantum && classic { throw ValidationError("--pq and --classic exclude each other.") }
    }

    /// The type asked for, or nil for the default.
    var keyType: AgeKeyKind? { postQuantum ? .hybrid : classic ? .x25519 : nil }
}
