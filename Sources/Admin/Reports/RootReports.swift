import ActorKeys
import Ledger
import RootKeys

/// The root key as a process holds it (`root show`, and `root` in status and `/healthz`).
public struct RootReport: JSONReport {
    public let uri: String?
    public let provider: String?
    public let keyName: String?
    public let kekID: String?
    public let currentKekVersion: String?
    public let configuredAt: String?
    public let configuredBy: String?
    public let lastRotationAt: String?
    public let cachedAt: String?
    public let staleSince: String?
    public let lastError: String?
    public let cacheTTLSeconds: Int
    public let sealingKeys: Int
    public let state: String
    public let providerCalls: Int

    public init(_ snapshot: RootSnapshot) {
        uri = snapshot.uri
        provider = snapshot.provider
        keyName = snapshot.uri.flatMap { try? RootKeyLocation(parsing: $0).keyName }
        kekID = snapshot.kekID
        currentKekVersion = snapshot.kekVersion
        configuredAt = snapshot.configuredAt?.rfc3339
        configuredBy = snapshot.configuredBy
        lastRotationAt = snapshot.lastRotationAt?.rfc3339
        cachedAt = snapshot.cachedAt?.rfc3339
        staleSince = snapshot.staleSince?.rfc3339
        lastError = snapshot.lastError
        cacheTTLSeconds = Int(snapshot.cacheTTL.components.seconds)
        sealingKeys = snapshot.sealingKeys
        state = snapshot.open ? (snapshot.staleSince == nil ? "ok" : "stale") : "closed"
        providerCalls = snapshot.providerCalls
    }

    public static let schema = ReportSchema<Self>(
        "Root", "The root key and this process's cached sealing keys.",
        [
            .init("uri", \.uri, "The root key's URI (never a credential).", as: .nullable(.string)),
            .init(
                "provider", \.provider, "local, vault-transit, aws-kms, azure-keyvault or pkcs11.",
                as: .nullable(.string)),
            .init("key_name", \.keyName, "The key's name within its provider.", as: .nullable(.string)),
            .init("kek_id", \.kekID, "The provider's id for the key.", as: .nullable(.string)),
            .init(
                "current_kek_version", \.currentKekVersion, "The key version that wraps the active sealing key.",
                as: .nullable(.string)),
            .init("configured_at", \.configuredAt, "When the root key was set.", as: .nullable(.dateTime)),
            .init("configured_by", \.configuredBy, "Who set it.", as: .nullable(.string)),
            .init(
                "last_rotation_at", \.lastRotationAt, "When the sealing keys were last re-wrapped (root rotate).",
                as: .nullable(.dateTime)),
            .init(
                "cached_at", \.cachedAt, "When this process last unwrapped its sealing keys.", as: .nullable(.dateTime)
            ),
            .init(
                "stale_since", \.staleSince, "Since when the provider has failed to answer; null while it answers.",
                as: .nullable(.dateTime)),
            .init("last_error", \.lastError, "The provider's last failure, if any.", as: .nullable(.string)),
            .init(
                "cache_ttl_seconds", \.cacheTTLSeconds,
                "How long cached sealing keys serve without the provider before the process fails closed.",
                as: .count),
            .init("sealing_keys", \.sealingKeys, "Sealing keys in use (two during a reseal).", as: .count),
            .init(
                "state", \.state, "ok; stale (serving from cache, provider failing); closed (failing closed).",
                as: .oneOf(["ok", "stale", "closed"])),
            .init("provider_calls", \.providerCalls, "Calls this process made to the provider.", as: .count),
        ])
}

/// A connection test: the key's id and version, or the first failing step's code and detail.
public struct ConnectionTestReport: JSONReport {
    public let ok: Bool
    public let uri: String?
    public let kekID: String?
    public let kekVersion: String?
    public let errorCode: String?
    public let errorDetail: String?

    public init(_ result: ConnectionTestResult) {
        ok = result.ok
        uri = result.location
        kekID = result.facts?.kekID
        kekVersion = result.facts?.kekVersion
        errorCode = result.error?.code.rawValue
        errorDetail = result.error?.message
    }

    public static let schema = ReportSchema<Self>(
        "ConnectionTest", "A root key connection test; nothing was saved.",
        [
            .init("ok", \.ok, "Whether every step passed."),
            .init("uri", \.uri, "The canonical URI tested; null when it did not parse.", as: .nullable(.string)),
            .init("kek_id", \.kekID, "The provider's id for the key.", as: .nullable(.string)),
            .init("kek_version", \.kekVersion, "The key's newest version.", as: .nullable(.string)),
            .init(
                "error_code", \.errorCode, "The failing step's code.",
                as: .nullable(.oneOf(RootKeyErrorCode.allCases.map(\.rawValue)))),
            .init("error_detail", \.errorDetail, "What failed; never a secret.", as: .nullable(.string)),
        ])
}

/// A root key rotation.
public struct RootRotationReport: JSONReport {
    public let uri: String
    public let previousKekVersion: String
    public let kekVersion: String
    public let sealingKeys: Int

    public init(_ rotation: RootRotation) {
        uri = rotation.uri
        previousKekVersion = rotation.previousVersion
        kekVersion = rotation.kekVersion
        sealingKeys = rotation.sealingKeys
    }

    public static let schema = ReportSchema<Self>(
        "RootRotation", "The sealing keys re-wrapped under the root key's newest version.",
        [
            .init("uri", \.uri, "The root key."),
            .init("previous_kek_version", \.previousKekVersion, "The version that wrapped them before."),
            .init("kek_version", \.kekVersion, "The version that wraps them now."),
            .init("sealing_keys", \.sealingKeys, "Sealing keys re-wrapped.", as: .count),
        ])
}

/// A move to another root key.
public struct RootChangeReport: JSONReport {
    public let previousURI: String
    public let uri: String
    public let kekID: String
    public let kekVersion: String
    public let sealingKeys: Int

    public init(_ change: RootChange) {
        previousURI = change.previous
        uri = change.uri
        kekID = change.kekID
        kekVersion = change.kekVersion
        sealingKeys = change.sealingKeys
    }

    public static let schema = ReportSchema<Self>(
        "RootChange", "The workspace moved to another root key.",
        [
            .init("previous_uri", \.previousURI, "The root key it used."),
            .init("uri", \.uri, "The root key it uses now."),
            .init("kek_id", \.kekID, "The provider's id for the new key."),
            .init("kek_version", \.kekVersion, "The version that wraps the sealing keys."),
            .init("sealing_keys", \.sealingKeys, "Sealing keys wrapped by the new root key.", as: .count),
        ])
}
