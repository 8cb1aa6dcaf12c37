#ifndef ACTORKEYS_CSQLITE_SHIM_H
#define ACTORKEYS_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import: sqlite copies the bound bytes.
static inline sqlite3_destructor_type actorkeys_sqlite_transient(void) { return SQLITE_TRANSIENT; }

// Extended result codes are computed macros; name the two the ledger tells apart.
static const int actorkeys_sqlite_constraint_unique = SQLITE_CONSTRAINT_UNIQUE;
static const int actorkeys_sqlite_constraint_primarykey = SQLITE_CONSTRAINT_PRIMARYKEY;
#endif
