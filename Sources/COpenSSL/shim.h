#ifndef ACTORKEYS_COPENSSL_SHIM_H
#define ACTORKEYS_COPENSSL_SHIM_H
#include <openssl/evp.h>

// The AEAD control codes are macros of macros; name them once so Swift sees plain constants.
static const int actorkeys_evp_ctrl_aead_get_tag = EVP_CTRL_AEAD_GET_TAG;
static const int actorkeys_evp_ctrl_aead_set_tag = EVP_CTRL_AEAD_SET_TAG;
#endif
