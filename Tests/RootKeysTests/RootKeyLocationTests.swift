import Testing

@testable import RootKeys

/// The root key URI parsers (DESIGN.md, Root of trust): every scheme's canonical form parses and
/// prints back unchanged, other shapes are `invalid_uri`, and a credential in a URI is refused
/// without its value in the message.
struct RootKeyLocationTests {
    static let canonical = [
        "local:/var/lib/actorkeys/keys/root.key",
        "local:relative/root.key",
        "vault-transit://vault.example.com:8200/transit/actorkeys",
        "vault-transit://127.0.0.1:8201/team/transit/actorkeys?tls=off",
        "aws-kms://alias/actorkeys?region=eu-west-1",
        "aws-kms://1234abcd-12ab-34cd-56ef-1234567890ab?region=us-east-1",
        "aws-kms://arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab?region=us-east-1",
        "aws-kms://alias/actorkeys?region=us-east-1&endpoint=http%3A%2F%2F127.0.0.1%3A4566",
        "azure-keyvault://contoso-keys.vault.azure.net/keys/actorkeys",
        "azure-keyvault://contoso-keys.vault.azure.net/keys/actorkeys/0123456789abcdef0123456789abcdef",
        "azure-keyvault://contoso-keys.vault.azure.net/keys/actorkeys?endpoint=http%3A%2F%2F127.0.0.1%3A8443"
            + "&authority=http%3A%2F%2F127.0.0.1%3A8443",
        "pkcs11:token=actorkeys;object=root?module-path=/usr/lib/softhsm/libsofthsm2.so",
        "pkcs11:token=actorkeys;object=root;type=secret-key?module-path=/usr/lib/softhsm/libsofthsm2.so"
            + "&pin-source=file:/etc/actorkeys/pin",
    ]

    @Test(arguments: canonical)
    func theCanonicalFormParsesAndPrintsBack(uri: String) throws {
        let location = try RootKeyLocation(parsing: uri)
        #expect(location.description == uri)
        #expect(try RootKeyLocation(parsing: location.description) == location)
    }

    @Test func aBracketedIPv6VaultHostParses() throws {
        let uri = "vault-transit://[::1]:8200/transit/actorkeys"
        #expect(try RootKeyLocation(parsing: uri).description == uri)
        guard case .vaultTransit(let vault) = try RootKeyLocation(parsing: uri) else {
            Issue.record("not a Vault location")
            return
        }
        #expect(vault.host == "[::1]" && vault.port == 8200 && vault.address == "http".appending("s://[::1]:8200"))
        #expect(throws: RootKeyError.self) { try RootKeyLocation(parsing: "vault-transit://[::1]x/transit/k") }
    }

    @Test func shorthandsPrintTheirCanonicalForm() throws {
        let defaults = [
            "vault-transit://vault.example.com/transit/actorkeys?tls=on":
                "vault-transit://vault.example.com:8200/transit/actorkeys",
            "aws-kms://arn:aws:kms:eu-central-1:111122223333:alias/actorkeys":
                "aws-kms://arn:aws:kms:eu-central-1:111122223333:alias/actorkeys?region=eu-central-1",
        ]
        for (shorthand, canonical) in defaults {
            #expect(try RootKeyLocation(parsing: shorthand).description == canonical)
        }
    }

    @Test func partsAreReadFromEachScheme() throws {
        guard case .vaultTransit(let vault) = try RootKeyLocation(parsing: "vault-transit://h:1/a/b/c?tls=off") else {
            Issue.record("not vault-transit")
            return
        }
        #expect(vault.mount == "a/b")
        #expect(vault.key == "c")
        #expect(vault.address == "http://h:1")
        guard case .awsKMS(let aws) = try RootKeyLocation(parsing: "aws-kms://alias/k?region=us-west-2") else {
            Issue.record("not aws-kms")
            return
        }
        #expect(aws.endpointURL == "https://kms.us-west-2.amazonaws.com")
        let azureURI = "azure-keyvault://contoso.vault.azure.net/keys/root"
        guard case .azureKeyVault(let azure) = try RootKeyLocation(parsing: azureURI) else {
            Issue.record("not azure-keyvault")
            return
        }
        #expect(azure.vaultURL == "https://contoso.vault.azure.net")
        #expect(azure.authorityURL == "https://login.microsoftonline.com")
        #expect(azure.version == nil)
    }

    static let invalid = [
        "", "s3://bucket/key", "local:", "local:/a?b", "vault-transit://host/transit/key with space",
        String(repeating: "a", count: 2049),
        // Vault Transit
        "vault-transit://", "vault-transit://host", "vault-transit://host/onlymount", "vault-transit:///transit/key",
        "vault-transit://host:0/transit/key", "vault-transit://host:70000/transit/key", "vault-transit://host:x/t/k",
        "vault-transit://bad_host/transit/key", "vault-transit://host/transit/../key", "vault-transit://host/t//k",
        "vault-transit://host/transit/key?tls=maybe", "vault-transit://host/transit/key?tls=off&tls=off",
        "vault-transit://host/transit/key?tls=", "vault-transit://host/transit/key#frag",
        // AWS KMS
        "aws-kms://?region=us-east-1", "aws-kms://bad key?region=us-east-1", "aws-kms://alias/k",
        "aws-kms://alias/k?region=US-EAST-1", "aws-kms://alias/k?region=us-east-1&endpoint=ftp://host",
        "aws-kms://arn:aws:s3:us-east-1:1:bucket/x", "aws-kms://alias/k?region=us-east-1&profile=default",
        // Azure Key Vault
        "azure-keyvault://contoso.vault.azure.net", "azure-keyvault://contoso.vault.azure.net/secrets/root",
        "azure-keyvault://contoso.vault.azure.net/keys/", "azure-keyvault://contoso.vault.azure.net/keys/a_b",
        "azure-keyvault://contoso.vault.azure.net/keys/root/not-a-version",
        "azure-keyvault://contoso.vault.azure.net/keys/root/0123456789ABCDEF0123456789ABCDEF",
        "azure-keyvault://contoso.vault.azure.net/keys/root/v/extra",
        "azure-keyvault://contoso.vault.azure.net/keys/root?endpoint=contoso",
        // PKCS#11
        "pkcs11:object=root?module-path=/lib/p11.so", "pkcs11:token=t?module-path=/lib/p11.so",
        "pkcs11:token=t;object=root", "pkcs11:token=t;object=root?module-path=lib/p11.so",
        "pkcs11:token=t;object=root;type=cert?module-path=/lib/p11.so",
        "pkcs11:token=t;object=root;label=x?module-path=/lib/p11.so",
        "pkcs11:token=t;object=root?module-path=/lib/p11.so&pin-source=env:PIN",
    ]

    @Test(arguments: invalid)
    func otherShapesAreInvalid(uri: String) {
        #expect {
            try RootKeyLocation(parsing: uri)
        } throws: { error in
            (error as? RootKeyError)?.code == .invalidURI
        }
    }

    static let withCredentials = [
        "vault-transit://root:s3cr3t-value@vault.example.com/transit/actorkeys",
        "vault-transit://vault.example.com/transit/actorkeys?token=s3cr3t-value",
        "aws-kms://alias/actorkeys?region=us-east-1&aws_secret_access_key=s3cr3t-value",
        "aws-kms://alias/actorkeys?region=us-east-1&endpoint=http://user:s3cr3t-value@127.0.0.1",
        "azure-keyvault://app:s3cr3t-value@contoso.vault.azure.net/keys/root",
        "azure-keyvault://contoso.vault.azure.net/keys/root?client_secret=s3cr3t-value",
        "pkcs11:token=t;object=root;pin-value=s3cr3t-value?module-path=/lib/p11.so",
        "pkcs11:token=t;object=root?module-path=/lib/p11.so&pin-value=s3cr3t-value",
    ]

    @Test(arguments: withCredentials)
    func aCredentialInTheURIIsRefusedWithoutEchoingIt(uri: String) {
        do {
            _ = try RootKeyLocation(parsing: uri)
            Issue.record("accepted a URI with a credential")
        } catch {
            #expect(error.code == .invalidURI)
            #expect(!error.message.contains("s3cr3t"))
        }
    }

    static let vaultHosts: [(String, Bool)] = [
        ("abc.vault.azure.net", true), ("contoso-keys-01.vault.azure.net", true),
        (String(repeating: "a", count: 24) + ".vault.azure.net", true),
        ("ab.vault.azure.net", false), (String(repeating: "a", count: 25) + ".vault.azure.net", false),
        ("1abc.vault.azure.net", false), ("abc-.vault.azure.net", false), ("ab--c.vault.azure.net", false),
        ("Contoso.vault.azure.net", false), ("contoso.vault.azure.cn", false), ("contoso.example.com", false),
        ("contoso.vault.azure.net.evil.com", false), ("a.b.vault.azure.net", false), ("ab_c.vault.azure.net", false),
    ]

    @Test(arguments: vaultHosts)
    func theVaultIsNAMEDotVaultDotAzureDotNet(host: String, valid: Bool) {
        #expect((AzureKeyVaultLocation.vaultName(ofHost: host) != nil) == valid)
        let parsed = try? RootKeyLocation(parsing: "azure-keyvault://\(host)/keys/root")
        #expect((parsed != nil) == valid)
    }

    @Test func unknownSchemesNameTheOnesThatExist() {
        do {
            _ = try RootKeyLocation(parsing: "gcp-kms://projects/p/keys/k")
            Issue.record("accepted an unknown scheme")
        } catch {
            #expect(error.code == .invalidURI)
            #expect(error.message.contains("vault-transit://"))
        }
    }
}
