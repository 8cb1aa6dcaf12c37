/// RootKeyProviders opens the provider a location names, with its credentials. Opening checks
/// that the credentials are present (`.authFailed` naming the variable or file that is
/// missing) and makes no call: the first call is the caller's.
public enum RootKeyProviders {
    public static func open(
        _ location: RootKeyLocation, credentials: ProviderCredentials, http: ProviderHTTP = ProviderHTTP()
    ) throws(RootKeyError) -> any RootKeyProvider {
        switch location {
        case .local(let path):
            return LocalRootKey(path: path)
        case .vaultTransit(let vault):
            return try VaultTransitProvider(vault, credentials: credentials, http: http)
        case .awsKMS(let aws):
            return try AWSKMSProvider(aws, credentials: credentials, http: http)
        case .azureKeyVault(let azure):
            return try AzureKeyVaultProvider(azure, credentials: credentials, http: http)
        case .pkcs11(let pkcs11):
            return try PKCS11Provider(pkcs11, credentials: credentials, timeout: http.timeout)
        }
    }
}
