#ifndef ACTORKEYS_CPOSTGRES_SHIM_H
#define ACTORKEYS_CPOSTGRES_SHIM_H
#include <libpq-fe.h>
#endif
