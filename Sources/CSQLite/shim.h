#ifndef ACTORKEYS_CSQLITE_SHIM_H
#define ACTORKEYS_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT and SQLITE_STATIC are cast macros Swift cannot import: with the first SQLite
// copies the bound bytes, with the second it uses them in place until the statement is reset.
static inline sqlite3_destructor_type actorkeys_sqlite_transient(void) { return SQLITE_TRANSIENT; }
static inline sqlite3_destructor_type actorkeys_sqlite_static(void) { return SQLITE_STATIC; }

// Extended result codes are computed macros; name the two the ledger tells apart.
static const int actorkeys_sqlite_constraint_unique = SQLITE_CONSTRAINT_UNIQUE;
static const int actorkeys_sqlite_constraint_primarykey = SQLITE_CONSTRAINT_PRIMARYKEY;
#endif
