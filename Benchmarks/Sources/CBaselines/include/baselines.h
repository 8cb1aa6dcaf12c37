#ifndef ACTORKEYS_BASELINES_H
#define ACTORKEYS_BASELINES_H

#include <stddef.h>
#include <stdint.h>

/* Raw C baselines for the benchmarks: what each job costs with nothing around it, in the same
   binary as the Swift benchmarks, so the ratios between them hold on a noisy machine. */

int baseline_init(void);
void baseline_random(uint8_t *out, size_t length);

/* The record envelope of docs/record-format.md without context handling: version || id(16) ||
   random nonce(24) || XChaCha20-Poly1305(m, ad), by the fastest library for the size (libsodium
   below 2 KiB, HChaCha20 + OpenSSL EVP from 2 KiB). out holds mlen + 57. The nonce comes from a
   per-thread pool of randombytes_buf output, as the library's does. */
void baseline_record_seal(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen, const uint8_t key[32]);
/* The same with a system call per nonce (randombytes_buf of 24 bytes), for comparison. */
void baseline_record_seal_nonce_syscall(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen,
                                        const uint8_t key[32]);
int baseline_record_open(uint8_t *m, const uint8_t *record, size_t rlen, const uint8_t *ad, size_t adlen, const uint8_t key[32]);

/* XChaCha20-Poly1305 by libsodium alone, for reference. */
void baseline_sodium_xchacha_seal(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t nonce[24], const uint8_t key[32]);

/* ChaCha20-Poly1305 (IETF) over one buffer: libsodium, and OpenSSL EVP with a reused context. */
void baseline_sodium_chacha_seal(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t nonce[12], const uint8_t key[32]);
void *baseline_openssl_context_new(const uint8_t key[32]);
void baseline_openssl_context_free(void *context);
void baseline_openssl_chacha_seal(void *context, uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t nonce[12]);

/* age's STREAM over a buffer in 64 KiB chunks with OpenSSL: the ceiling for payload speed. */
void baseline_openssl_stream_seal(void *context, uint8_t *out, const uint8_t *m, size_t mlen);
int baseline_openssl_stream_open(void *context, uint8_t *out, const uint8_t *c, size_t clen);

/* A complete one-recipient X25519 age file in C, the crypto floor of a data-key wrap: two X25519
   operations, three HKDFs, the header MAC, the payload in 64 KiB STREAM chunks (OpenSSL).
   Returns the file length (baseline_age_sealed_length), 0 on failure. */
size_t baseline_age_sealed_length(size_t mlen);
size_t baseline_age_encrypt(uint8_t *out, size_t capacity, const uint8_t recipient[32], const uint8_t *m, size_t mlen);
/* Decrypts what baseline_age_encrypt made (fixed layout, no parsing): one X25519, three HKDFs,
   the MAC check, the chunks. Returns the plaintext length, or -1. */
long baseline_age_decrypt(uint8_t *m, const uint8_t identity[32], const uint8_t *file, size_t flen);

/* SQLite, opened with the pragmas the ledger uses (WAL, synchronous = FULL, foreign keys).
   A plain table `raw (id TEXT PRIMARY KEY, payload BLOB)`: 1 KiB rows inserted in one
   transaction with a prepared statement, and selected by key. */
void *baseline_sqlite_open(const char *path);
void baseline_sqlite_close(void *handle);
int baseline_sqlite_insert(void *handle, int first, int count, const uint8_t *payload, size_t length);
int baseline_sqlite_select(void *handle, const int *keys, int count);
/* The same rows as the ledger writes: `raw_entries`, made from ledger_entries' own schema
   (columns, checks, foreign keys, indexes), filled with one prepared insert a row in one
   transaction; and selects of the ledger's own rows by id (the columns the ledger reads). */
int baseline_sqlite_mirror_entries(void *handle);
int baseline_sqlite_prepare_entries(void *handle);  /* on another connection to a mirrored database */
int baseline_sqlite_insert_entries(void *handle, int first, int count, const char *actor, const char *data_key, const uint8_t *payload, size_t length);
/* Each select in its own (autocommit) transaction, or all in one when `transaction` is set. */
int baseline_sqlite_select_entries(void *handle, const char *const *ids, int count, int transaction);
/* As the ledger's batch read does it: lists of 256 ids per statement, in one transaction.
   Counts rows found (a repeated id is found once a statement). */
int baseline_sqlite_select_entries_listed(void *handle, const char *const *ids, int count);

/* PostgreSQL: one command on a fresh connection (CREATE/DROP DATABASE); 0 on success. */
int baseline_postgres_command(const char *uri, const char *sql);
/* The plain table with COPY FROM STDIN (binary) in one transaction, and selects by key with a
   prepared statement and binary results. */
void *baseline_postgres_open(const char *uri);
void baseline_postgres_close(void *connection);
int baseline_postgres_copy(void *connection, int first, int count, const uint8_t *payload, size_t length);
int baseline_postgres_select(void *connection, const int *keys, int count);
/* The same rows as the ledger writes, by binary COPY into `raw_entries` (LIKE ledger_entries
   INCLUDING ALL, plus its foreign keys); and prepared selects of the ledger's rows by id. */
int baseline_postgres_mirror_entries(void *connection);
int baseline_postgres_prepare_entries(void *connection);
int baseline_postgres_copy_entries(void *connection, int first, int count, const char *actor, const char *data_key, const uint8_t *payload, size_t length);
int baseline_postgres_select_entries(void *connection, const char *const *ids, int count, int transaction);
/* As the ledger's batch read does it: one statement, the ids as one text array. */
int baseline_postgres_select_entries_listed(void *connection, const char *const *ids, int count);

#endif
