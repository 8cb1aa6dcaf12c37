#ifndef ACTORKEYS_CPKCS11_SHIM_H
#define ACTORKEYS_CPKCS11_SHIM_H

// The PKCS#11 v2.40 types and CK_FUNCTION_LIST, from p11-kit's header (Debian libp11-kit-dev,
// Homebrew p11-kit). The target has no pkgConfig: pkg-config's `--libs p11-kit-1` would make
// every binary need libp11-kit.so, and nothing here calls it, so the header is found by path.
// p11-kit's pkcs11.h is self-contained and defaults to the standard (CRYPTOKI_COMPAT) names.
#if __has_include("/usr/include/p11-kit-1/p11-kit/pkcs11.h")
#include "/usr/include/p11-kit-1/p11-kit/pkcs11.h"
#elif __has_include("/opt/homebrew/include/p11-kit-1/p11-kit/pkcs11.h")
#include "/opt/homebrew/include/p11-kit-1/p11-kit/pkcs11.h"
#elif __has_include("/usr/local/include/p11-kit-1/p11-kit/pkcs11.h")
#include "/usr/local/include/p11-kit-1/p11-kit/pkcs11.h"
#else
#error "pkcs11.h not found: install libp11-kit-dev (Debian) or p11-kit (Homebrew)"
#endif

#endif
