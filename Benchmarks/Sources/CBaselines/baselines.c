#include "baselines.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int baseline_init(void) { return sodium_init() >= 0 ? 0 : -1; }
void baseline_random(uint8_t *out, size_t length) { randombytes_buf(out, length); }

/* ---- AEADs ---- */

static EVP_CIPHER *chacha(void) {
    static EVP_CIPHER *cipher;
    if (!cipher) cipher = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
    return cipher;
}

static __thread EVP_CIPHER_CTX *record_context;

static void openssl_xchacha(int enc, uint8_t *out, const uint8_t *in, size_t len, const uint8_t *ad, size_t adlen,
                            const uint8_t nonce[24], const uint8_t key[32], uint8_t tag[16]) {
    uint8_t subkey[32], n12[12] = {0};
    int outl;
    if (!record_context) { record_context = EVP_CIPHER_CTX_new(); EVP_CipherInit_ex2(record_context, chacha(), NULL, NULL, 1, NULL); }
    crypto_core_hchacha20(subkey, nonce, key, NULL);
    memcpy(n12 + 4, nonce + 16, 8);
    EVP_CipherInit_ex2(record_context, NULL, subkey, n12, enc, NULL);
    sodium_memzero(subkey, 32);
    EVP_CipherUpdate(record_context, NULL, &outl, ad, (int)adlen);
    EVP_CipherUpdate(record_context, out, &outl, in, (int)len);
    if (!enc) EVP_CIPHER_CTX_ctrl(record_context, EVP_CTRL_AEAD_SET_TAG, 16, tag);
    EVP_CipherFinal_ex(record_context, out + len, &outl);
    if (enc) EVP_CIPHER_CTX_ctrl(record_context, EVP_CTRL_AEAD_GET_TAG, 16, tag);
}

/* A nonce from a per-thread pool of the kernel CSPRNG's output, refilled 4 KiB at a time: what
   the library's NoncePool does, without its fork-safe page and its thread-specific lookup. */
static __thread uint8_t nonce_pool[4032];
static __thread size_t nonce_pool_used = sizeof nonce_pool;

static void pooled_nonce(uint8_t out[24]) {
    if (nonce_pool_used + 24 > sizeof nonce_pool) {
        randombytes_buf(nonce_pool, sizeof nonce_pool);
        nonce_pool_used = 0;
    }
    memcpy(out, nonce_pool + nonce_pool_used, 24);
    nonce_pool_used += 24;
}

/* The envelope around a nonce already at out + 17. */
static void record_seal(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen,
                        const uint8_t key[32]) {
    out[0] = 1;
    memset(out + 1, 0xAB, 16);
    if (mlen < 2048)
        crypto_aead_xchacha20poly1305_ietf_encrypt(out + 41, NULL, m, mlen, ad, adlen, NULL, out + 17, key);
    else
        openssl_xchacha(1, out + 41, m, mlen, ad, adlen, out + 17, key, out + 41 + mlen);
}

void baseline_record_seal(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen, const uint8_t key[32]) {
    pooled_nonce(out + 17);
    record_seal(out, m, mlen, ad, adlen, key);
}

void baseline_record_seal_nonce_syscall(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen,
                                        const uint8_t key[32]) {
    randombytes_buf(out + 17, 24);
    record_seal(out, m, mlen, ad, adlen, key);
}

int baseline_record_open(uint8_t *m, const uint8_t *record, size_t rlen, const uint8_t *ad, size_t adlen, const uint8_t key[32]) {
    if (rlen < 57 || record[0] != 1) return -1;
    size_t mlen = rlen - 57;
    if (mlen < 2048)
        return crypto_aead_xchacha20poly1305_ietf_decrypt(m, NULL, NULL, record + 41, rlen - 41, ad, adlen, record + 17, key);
    openssl_xchacha(0, m, record + 41, mlen, ad, adlen, record + 17, key, (uint8_t *)record + 41 + mlen);
    return 0;
}

void baseline_sodium_xchacha_seal(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t nonce[24], const uint8_t key[32]) {
    crypto_aead_xchacha20poly1305_ietf_encrypt(out, NULL, m, mlen, NULL, 0, NULL, nonce, key);
}

void baseline_sodium_chacha_seal(uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t nonce[12], const uint8_t key[32]) {
    crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, m, mlen, NULL, 0, NULL, nonce, key);
}

void *baseline_openssl_context_new(const uint8_t key[32]) {
    EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
    EVP_CipherInit_ex2(context, chacha(), key, NULL, 1, NULL);
    return context;
}

void baseline_openssl_context_free(void *context) { EVP_CIPHER_CTX_free(context); }

void baseline_openssl_chacha_seal(void *context, uint8_t *out, const uint8_t *m, size_t mlen, const uint8_t nonce[12]) {
    int written = 0, final = 0;
    EVP_CipherInit_ex2(context, NULL, NULL, nonce, 1, NULL);
    EVP_CipherUpdate(context, out, &written, m, (int)mlen);
    EVP_CipherFinal_ex(context, out + written, &final);
    EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, 16, out + mlen);
}

static void stream_nonce(uint8_t nonce[12], uint64_t counter, int last) {
    memset(nonce, 0, 12);
    for (int i = 0; i < 8; i++) nonce[3 + i] = (uint8_t)(counter >> (56 - 8 * i));
    nonce[11] = (uint8_t)last;
}

void baseline_openssl_stream_seal(void *context, uint8_t *out, const uint8_t *m, size_t mlen) {
    const size_t chunk = 64 * 1024;
    uint8_t nonce[12];
    uint64_t counter = 0;
    size_t offset = 0;
    do {
        size_t length = mlen - offset < chunk ? mlen - offset : chunk;
        stream_nonce(nonce, counter++, offset + length == mlen);
        baseline_openssl_chacha_seal(context, out, m + offset, length, nonce);
        out += length + 16;
        offset += length;
    } while (offset < mlen);
}

int baseline_openssl_stream_open(void *context, uint8_t *out, const uint8_t *c, size_t clen) {
    const size_t sealed = 64 * 1024 + 16;
    uint8_t nonce[12];
    uint64_t counter = 0;
    size_t offset = 0;
    int written, final;
    while (offset < clen) {
        size_t length = clen - offset < sealed ? clen - offset : sealed;
        stream_nonce(nonce, counter++, offset + length == clen);
        EVP_CipherInit_ex2(context, NULL, NULL, nonce, 0, NULL);
        EVP_CipherUpdate(context, out, &written, c + offset, (int)(length - 16));
        EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, 16, (void *)(c + offset + length - 16));
        if (EVP_CipherFinal_ex(context, out + written, &final) != 1) return -1;
        out += length - 16;
        offset += length;
    }
    return 0;
}

/* ---- age in C ---- */

static __thread EVP_MAC_CTX *mac_context;

static void hmac(uint8_t out[32], const uint8_t *key, size_t keylen, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
    if (!mac_context) {
        EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        mac_context = EVP_MAC_CTX_new(mac);
        EVP_MAC_free(mac);
        char digest[] = "SHA256";
        OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end() };
        EVP_MAC_CTX_set_params(mac_context, params);
    }
    size_t length;
    EVP_MAC_init(mac_context, key, keylen, NULL);
    EVP_MAC_update(mac_context, a, alen);
    if (blen) EVP_MAC_update(mac_context, b, blen);
    EVP_MAC_final(mac_context, out, &length, 32);
}

static void hkdf(uint8_t out[32], const uint8_t *ikm, size_t ikmlen, const uint8_t *salt, size_t saltlen, const char *info) {
    uint8_t prk[32], expand[64];
    size_t infolen = strlen(info);
    hmac(prk, salt, saltlen, ikm, ikmlen, NULL, 0);
    memcpy(expand, info, infolen);
    expand[infolen] = 1;
    hmac(out, prk, 32, expand, infolen + 1, NULL, 0);
    sodium_memzero(prk, 32);
}

static const char intro[] = "age-encryption.org/v1\n-> X25519 ";
#define INTRO (sizeof intro - 1)          /* 32 */
#define SHARE_AT INTRO                    /* 43 base64 characters, then \n */
#define BODY_AT (SHARE_AT + 44)           /* 43 base64 characters, then \n */
#define MAC_AT (BODY_AT + 44 + 4)         /* "--- " then 43 characters, then \n */
#define NONCE_AT (MAC_AT + 44)

static __thread EVP_CIPHER_CTX *payload_context;

static EVP_CIPHER_CTX *payload_cipher(const uint8_t key[32]) {
    if (!payload_context) payload_context = EVP_CIPHER_CTX_new();
    EVP_CipherInit_ex2(payload_context, chacha(), key, NULL, 1, NULL);
    return payload_context;
}

size_t baseline_age_sealed_length(size_t mlen) {
    size_t chunks = mlen == 0 ? 1 : (mlen + 65535) / 65536;
    return NONCE_AT + 16 + mlen + 16 * chunks;
}

size_t baseline_age_encrypt(uint8_t *out, size_t capacity, const uint8_t recipient[32], const uint8_t *m, size_t mlen) {
    uint8_t file_key[16], ephemeral[32], share[32], shared[32], salt[64], wrap_key[32], body[32], mac_key[32], mac[32], payload_key[32];
    if (capacity < baseline_age_sealed_length(mlen)) return 0;
    randombytes_buf(file_key, 16);
    randombytes_buf(ephemeral, 32);
    crypto_scalarmult_base(share, ephemeral);
    if (crypto_scalarmult(shared, ephemeral, recipient) != 0) return 0;
    memcpy(salt, share, 32); memcpy(salt + 32, recipient, 32);
    hkdf(wrap_key, shared, 32, salt, 64, "age-encryption.org/v1/X25519");
    uint8_t zero_nonce[12] = {0};
    crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, file_key, 16, NULL, 0, NULL, zero_nonce, wrap_key);
    memcpy(out, intro, INTRO);
    sodium_bin2base64((char *)out + SHARE_AT, 45, share, 32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    out[SHARE_AT + 43] = '\n';
    sodium_bin2base64((char *)out + BODY_AT, 45, body, 32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    out[BODY_AT + 43] = '\n';
    memcpy(out + BODY_AT + 44, "--- ", 4);
    hkdf(mac_key, file_key, 16, NULL, 0, "header");
    hmac(mac, mac_key, 32, out, BODY_AT + 44 + 3, NULL, 0);
    sodium_bin2base64((char *)out + MAC_AT, 45, mac, 32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    out[MAC_AT + 43] = '\n';
    randombytes_buf(out + NONCE_AT, 16);
    hkdf(payload_key, file_key, 16, out + NONCE_AT, 16, "payload");
    baseline_openssl_stream_seal(payload_cipher(payload_key), out + NONCE_AT + 16, m, mlen);
    sodium_memzero(file_key, 16); sodium_memzero(ephemeral, 32); sodium_memzero(shared, 32); sodium_memzero(payload_key, 32);
    return baseline_age_sealed_length(mlen);
}

long baseline_age_decrypt(uint8_t *m, const uint8_t identity[32], const uint8_t *file, size_t flen) {
    uint8_t share[32], body[32], mac[32], expected[32], shared[32], salt[64], wrap_key[32], file_key[16], mac_key[32], payload_key[32], recipient[32];
    size_t length;
    if (flen < NONCE_AT + 32) return -1;
    if (sodium_base642bin(share, 32, (const char *)file + SHARE_AT, 43, NULL, &length, NULL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) || length != 32) return -1;
    if (sodium_base642bin(body, 32, (const char *)file + BODY_AT, 43, NULL, &length, NULL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) || length != 32) return -1;
    if (sodium_base642bin(mac, 32, (const char *)file + MAC_AT, 43, NULL, &length, NULL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) || length != 32) return -1;
    if (crypto_scalarmult(shared, identity, share) != 0) return -1;
    static __thread uint8_t cached_identity[32], cached_recipient[32];
    static __thread int cached;
    if (!cached || memcmp(cached_identity, identity, 32) != 0) {  /* a cached identity, as the registry keeps */
        crypto_scalarmult_base(cached_recipient, identity);
        memcpy(cached_identity, identity, 32);
        cached = 1;
    }
    memcpy(recipient, cached_recipient, 32);
    memcpy(salt, share, 32); memcpy(salt + 32, recipient, 32);
    hkdf(wrap_key, shared, 32, salt, 64, "age-encryption.org/v1/X25519");
    uint8_t zero_nonce[12] = {0};
    if (crypto_aead_chacha20poly1305_ietf_decrypt(file_key, NULL, NULL, body, 32, NULL, 0, zero_nonce, wrap_key) != 0) return -1;
    hkdf(mac_key, file_key, 16, NULL, 0, "header");
    hmac(expected, mac_key, 32, file, BODY_AT + 44 + 3, NULL, 0);
    if (sodium_memcmp(expected, mac, 32) != 0) return -1;
    hkdf(payload_key, file_key, 16, file + NONCE_AT, 16, "payload");
    size_t clen = flen - NONCE_AT - 16;
    int status = baseline_openssl_stream_open(payload_cipher(payload_key), m, file + NONCE_AT + 16, clen);
    sodium_memzero(file_key, 16); sodium_memzero(shared, 32); sodium_memzero(payload_key, 32);
    if (status != 0) return -1;
    size_t chunks = (clen + 65536 + 15) / (65536 + 16);
    return (long)(clen - 16 * chunks);
}

/* ---- SQLite ---- */

/* The pragmas the ledger's connections use (Sources/Ledger/Database/SQLiteConnection.swift). */
static const char sqlite_pragmas[] = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";

struct raw_sqlite { sqlite3 *db; sqlite3_stmt *insert, *select, *insert_entry, *select_entry, *select_entries; };
#define IDS_PER_STATEMENT 256

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **statement) {
    if (sqlite3_prepare_v2(db, sql, -1, statement, NULL) == SQLITE_OK) return 0;
    fprintf(stderr, "SQLite: %s\n", sqlite3_errmsg(db));
    return -1;
}

void *baseline_sqlite_open(const char *path) {
    struct raw_sqlite *raw = calloc(1, sizeof *raw);
    if (sqlite3_open(path, &raw->db) != SQLITE_OK || sqlite3_exec(raw->db, sqlite_pragmas, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(raw->db, "CREATE TABLE IF NOT EXISTS raw (id TEXT PRIMARY KEY, payload BLOB NOT NULL)", NULL, NULL, NULL) != SQLITE_OK ||
        prepare(raw->db, "INSERT INTO raw (id, payload) VALUES (?1, ?2)", &raw->insert) ||
        prepare(raw->db, "SELECT id, payload FROM raw WHERE id = ?1", &raw->select)) {
        baseline_sqlite_close(raw);
        return NULL;
    }
    return raw;
}

void baseline_sqlite_close(void *handle) {
    struct raw_sqlite *raw = handle;
    sqlite3_finalize(raw->insert);
    sqlite3_finalize(raw->select);
    sqlite3_finalize(raw->insert_entry);
    sqlite3_finalize(raw->select_entry);
    sqlite3_finalize(raw->select_entries);
    sqlite3_close(raw->db);
    free(raw);
}

int baseline_sqlite_insert(void *handle, int first, int count, const uint8_t *payload, size_t length) {
    struct raw_sqlite *raw = handle;
    char id[32];
    if (sqlite3_exec(raw->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) return -1;
    for (int i = 0; i < count; i++) {
        snprintf(id, sizeof id, "%026d", first + i);
        sqlite3_bind_text(raw->insert, 1, id, 26, SQLITE_TRANSIENT);
        sqlite3_bind_blob(raw->insert, 2, payload, (int)length, SQLITE_STATIC);
        int status = sqlite3_step(raw->insert);
        sqlite3_reset(raw->insert);
        if (status != SQLITE_DONE) { sqlite3_exec(raw->db, "ROLLBACK", NULL, NULL, NULL); return -1; }
    }
    return sqlite3_exec(raw->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int baseline_sqlite_select(void *handle, const int *keys, int count) {
    struct raw_sqlite *raw = handle;
    char id[32];
    int found = 0;
    for (int i = 0; i < count; i++) {
        snprintf(id, sizeof id, "%026d", keys[i]);
        sqlite3_bind_text(raw->select, 1, id, 26, SQLITE_TRANSIENT);
        if (sqlite3_step(raw->select) == SQLITE_ROW && sqlite3_column_bytes(raw->select, 1) > 0) found++;
        sqlite3_reset(raw->select);
    }
    return found;
}

/* Replaces the first "ledger_entries" in sql with "raw_entries" (and the index names). */
static char *mirrored(const char *sql) {
    const char *at = strstr(sql, "ledger_entries");
    if (!at) return NULL;
    size_t before = (size_t)(at - sql);
    char *copy = malloc(strlen(sql) + 8);
    memcpy(copy, sql, before);
    strcpy(copy + before, "raw_entries");
    strcat(copy, at + strlen("ledger_entries"));
    return copy;
}

int baseline_sqlite_mirror_entries(void *handle) {
    struct raw_sqlite *raw = handle;
    sqlite3_stmt *schema;
    char *statements[16];
    int count = 0, status = 0;
    /* The table first, then its indexes, read before any is run (the schema is locked while
       it is read); each with its names changed. */
    if (prepare(raw->db, "SELECT sql FROM sqlite_master WHERE tbl_name = 'ledger_entries' AND sql IS NOT NULL ORDER BY type = 'index'", &schema)) return -1;
    while (count < 16 && sqlite3_step(schema) == SQLITE_ROW) {
        char *sql = mirrored((const char *)sqlite3_column_text(schema, 0));
        if (sql && strstr(sql, "CREATE INDEX")) {  /* ledger_entries_x ON ledger_entries -> raw_entries_x ON raw_entries */
            char *again = mirrored(sql);
            free(sql);
            sql = again;
        }
        if (sql) statements[count++] = sql; else status = -1;
    }
    sqlite3_finalize(schema);
    for (int i = 0; i < count; i++) {
        if (status == 0 && sqlite3_exec(raw->db, statements[i], NULL, NULL, NULL) != SQLITE_OK) {
            fprintf(stderr, "SQLite: %s\n", sqlite3_errmsg(raw->db));
            status = -1;
        }
        free(statements[i]);
    }
    if (status || count == 0) return -1;
    return baseline_sqlite_prepare_entries(handle);
}

int baseline_sqlite_prepare_entries(void *handle) {
    struct raw_sqlite *raw = handle;
    if (prepare(raw->db, "INSERT INTO raw_entries (id, actor_id, kind, created_at, protection, prompt_encryption_actor_id, data_key_id, payload_format, payload) "
                         "VALUES (?1, ?2, 'prompt', ?3, 'encrypted', ?2, ?4, 'text', ?5)", &raw->insert_entry) ||
        prepare(raw->db, "SELECT seq, id, actor_id, kind, created_at, protection, prompt_encryption_actor_id, data_key_id, payload_format, length(payload), payload "
                         "FROM ledger_entries WHERE id = ?1", &raw->select_entry))
        return -1;
    char sql[4096] = "SELECT seq, id, actor_id, kind, created_at, protection, prompt_encryption_actor_id, data_key_id, payload_format, length(payload), payload "
                     "FROM ledger_entries WHERE id IN (?1";
    for (int i = 2; i <= IDS_PER_STATEMENT; i++) snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ", ?%d", i);
    strcat(sql, ")");
    return prepare(raw->db, sql, &raw->select_entries);
}

int baseline_sqlite_select_entries_listed(void *handle, const char *const *ids, int count) {
    struct raw_sqlite *raw = handle;
    int found = 0;
    if (sqlite3_exec(raw->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) return -1;
    for (int start = 0; start < count; start += IDS_PER_STATEMENT) {
        for (int i = 0; i < IDS_PER_STATEMENT; i++) {
            int at = start + i < count ? start + i : count - 1;  /* the last list padded with a repeat */
            sqlite3_bind_text(raw->select_entries, i + 1, ids[at], -1, SQLITE_STATIC);
        }
        while (sqlite3_step(raw->select_entries) == SQLITE_ROW)
            if (sqlite3_column_bytes(raw->select_entries, 10) > 0) found++;
        sqlite3_reset(raw->select_entries);
    }
    if (sqlite3_exec(raw->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return -1;
    return found;
}

int baseline_sqlite_insert_entries(void *handle, int first, int count, const char *actor, const char *data_key, const uint8_t *payload, size_t length) {
    struct raw_sqlite *raw = handle;
    char id[32];
    if (sqlite3_exec(raw->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) return -1;
    for (int i = 0; i < count; i++) {
        snprintf(id, sizeof id, "7ZZZ%022d", first + i);
        sqlite3_bind_text(raw->insert_entry, 1, id, 26, SQLITE_TRANSIENT);
        sqlite3_bind_text(raw->insert_entry, 2, actor, -1, SQLITE_STATIC);
        sqlite3_bind_int64(raw->insert_entry, 3, 1732000000000LL + first + i);
        sqlite3_bind_text(raw->insert_entry, 4, data_key, -1, SQLITE_STATIC);
        sqlite3_bind_blob(raw->insert_entry, 5, payload, (int)length, SQLITE_STATIC);
        int status = sqlite3_step(raw->insert_entry);
        sqlite3_reset(raw->insert_entry);
        if (status != SQLITE_DONE) { fprintf(stderr, "SQLite: %s\n", sqlite3_errmsg(raw->db)); sqlite3_exec(raw->db, "ROLLBACK", NULL, NULL, NULL); return -1; }
    }
    return sqlite3_exec(raw->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int baseline_sqlite_select_entries(void *handle, const char *const *ids, int count, int transaction) {
    struct raw_sqlite *raw = handle;
    int found = 0;
    if (transaction && sqlite3_exec(raw->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) return -1;
    for (int i = 0; i < count; i++) {
        sqlite3_bind_text(raw->select_entry, 1, ids[i], -1, SQLITE_STATIC);
        if (sqlite3_step(raw->select_entry) == SQLITE_ROW && sqlite3_column_bytes(raw->select_entry, 10) > 0) found++;
        sqlite3_reset(raw->select_entry);
    }
    if (transaction && sqlite3_exec(raw->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) return -1;
    return found;
}

/* ---- PostgreSQL ---- */

static int command(PGconn *connection, const char *sql) {
    PGresult *result = PQexec(connection, sql);
    int ok = PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
    if (!ok) fprintf(stderr, "PostgreSQL: %s", PQerrorMessage(connection));
    PQclear(result);
    return ok ? 0 : -1;
}

int baseline_postgres_command(const char *uri, const char *sql) {
    PGconn *connection = PQconnectdb(uri);
    if (PQstatus(connection) != CONNECTION_OK) { fprintf(stderr, "%s", PQerrorMessage(connection)); PQfinish(connection); return -1; }
    int status = command(connection, sql);
    PQfinish(connection);
    return status;
}

static int prepare_pg(PGconn *connection, const char *name, const char *sql) {
    PGresult *result = PQprepare(connection, name, sql, 0, NULL);
    int ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    if (!ok) fprintf(stderr, "PostgreSQL: %s", PQerrorMessage(connection));
    PQclear(result);
    return ok ? 0 : -1;
}

void *baseline_postgres_open(const char *uri) {
    PGconn *connection = PQconnectdb(uri);
    if (PQstatus(connection) != CONNECTION_OK) { fprintf(stderr, "%s", PQerrorMessage(connection)); PQfinish(connection); return NULL; }
    if (command(connection, "SET client_min_messages = warning") ||
        command(connection, "CREATE TABLE IF NOT EXISTS raw (id TEXT PRIMARY KEY, payload BYTEA NOT NULL)") ||
        prepare_pg(connection, "raw_select", "SELECT id, payload FROM raw WHERE id = $1")) {
        PQfinish(connection);
        return NULL;
    }
    return connection;
}

void baseline_postgres_close(void *connection) { PQfinish(connection); }

static uint32_t be32(uint32_t value) { return htonl(value); }

/* Runs COPY <target> FROM STDIN (FORMAT binary) with the buffer, in one transaction. */
static int copy_in(PGconn *connection, const char *copy, const char *buffer, size_t length) {
    if (command(connection, "BEGIN")) return -1;
    PGresult *result = PQexec(connection, copy);
    int ok = PQresultStatus(result) == PGRES_COPY_IN;
    PQclear(result);
    if (ok) ok = PQputCopyData(connection, buffer, (int)length) == 1 && PQputCopyEnd(connection, NULL) == 1;
    while ((result = PQgetResult(connection)) != NULL) {
        if (PQresultStatus(result) != PGRES_COMMAND_OK) { ok = 0; fprintf(stderr, "PostgreSQL: %s", PQerrorMessage(connection)); }
        PQclear(result);
    }
    return command(connection, ok ? "COMMIT" : "ROLLBACK") == 0 && ok ? 0 : -1;
}

static char *put(char *at, const void *bytes, size_t length) { memcpy(at, bytes, length); return at + length; }
static char *put_field(char *at, const void *bytes, size_t length) {
    uint32_t size = be32((uint32_t)length);
    return put(put(at, &size, 4), bytes, length);
}
static const char copy_header[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";

int baseline_postgres_copy(void *connection, int first, int count, const uint8_t *payload, size_t length) {
    char *buffer = malloc(19 + (size_t)count * (2 + 4 + 26 + 4 + length) + 2), *at = buffer;
    char id[32];
    uint16_t fields = htons(2), end = htons(0xFFFF);
    at = put(at, copy_header, 19);
    for (int i = 0; i < count; i++) {
        snprintf(id, sizeof id, "%026d", first + i);
        at = put(at, &fields, 2);
        at = put_field(at, id, 26);
        at = put_field(at, payload, length);
    }
    at = put(at, &end, 2);
    int status = copy_in(connection, "COPY raw (id, payload) FROM STDIN (FORMAT binary)", buffer, (size_t)(at - buffer));
    free(buffer);
    return status;
}

int baseline_postgres_select(void *connection, const int *keys, int count) {
    char id[32];
    int found = 0;
    for (int i = 0; i < count; i++) {
        snprintf(id, sizeof id, "%026d", keys[i]);
        const char *values[1] = {id};
        PGresult *result = PQexecPrepared(connection, "raw_select", 1, values, NULL, NULL, 1);
        if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1 && PQgetlength(result, 0, 1) > 0) found++;
        PQclear(result);
    }
    return found;
}

int baseline_postgres_mirror_entries(void *connection) {
    /* Columns, defaults, checks and indexes; then the foreign keys, which LIKE leaves out. */
    if (command(connection, "CREATE TABLE raw_entries (LIKE ledger_entries INCLUDING ALL)")) return -1;
    PGresult *keys = PQexec(connection,
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ledger_entries'::regclass AND contype = 'f'");
    if (PQresultStatus(keys) != PGRES_TUPLES_OK) { PQclear(keys); return -1; }
    int status = PQntuples(keys) > 0 ? 0 : -1;
    for (int i = 0; i < PQntuples(keys) && status == 0; i++) {
        char sql[512];
        snprintf(sql, sizeof sql, "ALTER TABLE raw_entries ADD %s", PQgetvalue(keys, i, 0));
        status = command(connection, sql);
    }
    PQclear(keys);
    if (status) return -1;
    return baseline_postgres_prepare_entries(connection);
}

int baseline_postgres_prepare_entries(void *connection) {
    if (prepare_pg(connection, "entries_select",
        "SELECT seq, id, actor_id, kind, created_at, protection, prompt_encryption_actor_id, data_key_id, payload_format, length(payload), payload "
        "FROM ledger_entries WHERE id = ANY($1::text[])")) return -1;
    return prepare_pg(connection, "entry_select",
        "SELECT seq, id, actor_id, kind, created_at, protection, prompt_encryption_actor_id, data_key_id, payload_format, length(payload), payload "
        "FROM ledger_entries WHERE id = $1");
}

int baseline_postgres_copy_entries(void *connection, int first, int count, const char *actor, const char *data_key, const uint8_t *payload, size_t length) {
    size_t actor_length = strlen(actor), key_length = strlen(data_key);
    size_t row = 2 + 9 * 4 + 26 + actor_length + 6 + 8 + 9 + actor_length + key_length + 4 + length;
    char *buffer = malloc(19 + (size_t)count * row + 2), *at = buffer;
    char id[32];
    uint16_t fields = htons(9), end = htons(0xFFFF);
    at = put(at, copy_header, 19);
    for (int i = 0; i < count; i++) {
        uint64_t created = 1732000000000ULL + (uint64_t)(first + i);
        uint64_t created_be = ((uint64_t)be32((uint32_t)created) << 32) | be32((uint32_t)(created >> 32));
        snprintf(id, sizeof id, "7ZZZ%022d", first + i);
        at = put(at, &fields, 2);
        at = put_field(at, id, 26);
        at = put_field(at, actor, actor_length);
        at = put_field(at, "prompt", 6);
        at = put_field(at, &created_be, 8);
        at = put_field(at, "encrypted", 9);
        at = put_field(at, actor, actor_length);
        at = put_field(at, data_key, key_length);
        at = put_field(at, "text", 4);
        at = put_field(at, payload, length);
    }
    at = put(at, &end, 2);
    int status = copy_in(connection,
        "COPY raw_entries (id, actor_id, kind, created_at, protection, prompt_encryption_actor_id, data_key_id, payload_format, payload) "
        "FROM STDIN (FORMAT binary)", buffer, (size_t)(at - buffer));
    free(buffer);
    return status;
}

int baseline_postgres_select_entries(void *connection, const char *const *ids, int count, int transaction) {
    int found = 0;
    if (transaction && command(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")) return -1;
    for (int i = 0; i < count; i++) {
        const char *values[1] = {ids[i]};
        PGresult *result = PQexecPrepared(connection, "entry_select", 1, values, NULL, NULL, 1);
        if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1 && PQgetlength(result, 0, 10) > 0) found++;
        PQclear(result);
    }
    if (transaction && command(connection, "COMMIT")) return -1;
    return found;
}

int baseline_postgres_select_entries_listed(void *connection, const char *const *ids, int count) {
    size_t length = 3;
    for (int i = 0; i < count; i++) length += strlen(ids[i]) + 1;
    char *array = malloc(length), *at = array;
    *at++ = '{';
    for (int i = 0; i < count; i++) { if (i) *at++ = ','; size_t n = strlen(ids[i]); memcpy(at, ids[i], n); at += n; }
    *at++ = '}';
    *at = 0;
    const char *values[1] = {array};
    PGresult *result = PQexecPrepared(connection, "entries_select", 1, values, NULL, NULL, 1);
    int found = -1;
    if (PQresultStatus(result) == PGRES_TUPLES_OK) {
        found = 0;
        for (int row = 0; row < PQntuples(result); row++) if (PQgetlength(result, row, 10) > 0) found++;
    }
    PQclear(result);
    free(array);
    return found;
}
