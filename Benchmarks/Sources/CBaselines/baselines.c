#include "baselines.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>

int baseline_init(void) { return sodium_init() >= 0 ? 0 : -1; }

void baseline_random(uint8_t *out, size_t length) { randombytes_buf(out, length); }

void baseline_record_seal(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen,
                          const uint8_t key[32]) {
    out[0] = 1;
    memset(out + 1, 0xAB, 16);
    randombytes_buf(out + 17, 24);
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + 41, NULL, m, mlen, ad, adlen, NULL, out + 17, key);
}

int baseline_record_open(uint8_t *m, const uint8_t *record, size_t rlen, const uint8_t *ad, size_t adlen,
                         const uint8_t key[32]) {
    if (rlen < 57 || record[0] != 1) return -1;
    return crypto_aead_xchacha20poly1305_ietf_decrypt(m, NULL, NULL, record + 41, rlen - 41, ad, adlen, record + 17, key);
}

void baseline_sodium_chacha_seal(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t nonce[12],
                                 const uint8_t key[32]) {
    crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, m, mlen, NULL, 0, NULL, nonce, key);
}

static EVP_CIPHER *chacha(void) {
    static EVP_CIPHER *cipher;
    if (!cipher) cipher = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
    return cipher;
}

void *baseline_openssl_context_new(const uint8_t key[32]) {
    EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
    EVP_CipherInit_ex2(context, chacha(), key, NULL, 1, NULL);
    return context;
}

void baseline_openssl_context_free(void *context) { EVP_CIPHER_CTX_free(context); }

void baseline_openssl_chacha_seal(void *context, uint8_t *out, const uint8_t *m, size_t mlen,
                                  const uint8_t nonce[12]) {
    int written = 0, final = 0;
    EVP_CipherInit_ex2(context, NULL, NULL, nonce, 1, NULL);
    EVP_CipherUpdate(context, out, &written, m, (int)mlen);
    EVP_CipherFinal_ex(context, out + written, &final);
    EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, 16, out + mlen);
}

void baseline_openssl_stream_seal(void *context, uint8_t *out, const uint8_t *m, size_t mlen) {
    const size_t chunk = 64 * 1024;
    uint8_t nonce[12] = {0};
    uint64_t counter = 0;
    size_t offset = 0;
    do {
        size_t length = mlen - offset < chunk ? mlen - offset : chunk;
        int last = offset + length == mlen;
        for (int i = 0; i < 8; i++) nonce[3 + i] = (uint8_t)(counter >> (56 - 8 * i));
        nonce[11] = (uint8_t)last;
        baseline_openssl_chacha_seal(context, out, m + offset, length, nonce);
        out += length + 16;
        offset += length;
        counter++;
    } while (offset < mlen);
}
