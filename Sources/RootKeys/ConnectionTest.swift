import ActorKeys

/// ConnectionTestResult is the outcome of `root test` and of the test-connection route: the
/// key's id and newest version, or the first failing step's code and detail.
public struct ConnectionTestResult: Sendable, Hashable {
    public let location: String?
    public let facts: RootKeyFacts?
    public let error: RootKeyError?

    public init(location: String?, facts: RootKeyFacts?, error: RootKeyError?) {
        self.location = location
        self.facts = facts
        self.error = error
    }

    public var ok: Bool { error == nil }
}

/// ConnectionTest checks a root key the way a first use would, in order, and stops at the first
/// failure: the URI's shape, the credentials, that the key exists and can wrap, then a wrap and
/// unwrap round trip of a random 32-byte key. It saves nothing and its detail never holds a
/// credential.
public enum ConnectionTest {
    public static let purpose = "connection-test"

    public static func run(
        uri: String, credentials: ProviderCredentials, workspace: String, http: ProviderHTTP = ProviderHTTP()
    ) async -> ConnectionTestResult {
        let location: RootKeyLocation
        do {
            location = try RootKeyLocation(parsing: uri)
        } catch {
            return ConnectionTestResult(location: nil, facts: nil, error: error)
        }
        do throws(RootKeyError) {
            let provider = try RootKeyProviders.open(location, credentials: credentials, http: http)
            return await run(provider, workspace: workspace)
        } catch {
            return ConnectionTestResult(location: location.description, facts: nil, error: error)
        }
    }

    public static func run(_ provider: any RootKeyProvider, workspace: String) async -> ConnectionTestResult {
        let location = provider.location.description
        do throws(RootKeyError) {
            let facts = try await provider.describe()
            let probe = SecretBytes.random(count: 32)
            let context = WrapContext(workspace: workspace, purpose: purpose)
            let wrapped = try await provider.wrap(probe, context: context)
            let back = try await provider.unwrap(wrapped, context: context)
            guard back.count == 32, back.constantTimeEquals(probe) else {
                throw RootKeyError(.networkError, "the provider's unwrap did not return the key it wrapped")
            }
            return ConnectionTestResult(location: location, facts: facts, error: nil)
        } catch {
            return ConnectionTestResult(location: location, facts: nil, error: error)
        }
    }
}
