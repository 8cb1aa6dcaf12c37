#ifndef ACTORKEYS_COPENSSL_SHIM_H
#define ACTORKEYS_COPENSSL_SHIM_H
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

// The AEAD control codes are macros of macros; name them once so Swift sees plain constants.
static const int actorkeys_evp_ctrl_aead_get_tag = EVP_CTRL_AEAD_GET_TAG;
static const int actorkeys_evp_ctrl_aead_set_tag = EVP_CTRL_AEAD_SET_TAG;

// An HMAC-SHA-256 context: OSSL_PARAM arrays are awkward to build from Swift.
static inline EVP_MAC_CTX *actorkeys_hmac_sha256_context_new(void) {
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return NULL;
    EVP_MAC_CTX *context = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (context == NULL) return NULL;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end() };
    if (EVP_MAC_CTX_set_params(context, params) != 1) {
        EVP_MAC_CTX_free(context);
        return NULL;
    }
    return context;
}
#endif
