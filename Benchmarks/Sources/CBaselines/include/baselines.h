#ifndef ACTORKEYS_BASELINES_H
#define ACTORKEYS_BASELINES_H

#include <stddef.h>
#include <stdint.h>

/* Raw C baselines for the benchmarks: what the primitives cost with nothing around them. */

int baseline_init(void);

/* A record envelope in plain C, the layout of docs/record-format.md without the context:
   version || id(16) || random nonce(24) || XChaCha20-Poly1305(m, ad). out holds mlen + 57. */
void baseline_record_seal(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen,
                          const uint8_t key[32]);
int baseline_record_open(uint8_t *m, const uint8_t *record, size_t rlen, const uint8_t *ad, size_t adlen,
                         const uint8_t key[32]);

/* ChaCha20-Poly1305 (IETF) over one buffer: libsodium, and OpenSSL EVP with a reused context. */
void baseline_sodium_chacha_seal(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t nonce[12],
                                 const uint8_t key[32]);
void *baseline_openssl_context_new(const uint8_t key[32]);
void baseline_openssl_context_free(void *context);
void baseline_openssl_chacha_seal(void *context, uint8_t *out, const uint8_t *m, size_t mlen,
                                  const uint8_t nonce[12]);

/* age's STREAM over a buffer in 64 KiB chunks with OpenSSL: the ceiling for payload speed. */
void baseline_openssl_stream_seal(void *context, uint8_t *out, const uint8_t *m, size_t mlen);

void baseline_random(uint8_t *out, size_t length);

#endif
