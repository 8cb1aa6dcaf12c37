#ifndef ACTORKEYS_CSODIUM_SHIM_H
#define ACTORKEYS_CSODIUM_SHIM_H
#include <sodium.h>
#endif
