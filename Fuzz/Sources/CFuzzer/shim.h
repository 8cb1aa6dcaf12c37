#include <stddef.h>
#include <stdint.h>

// Runs libFuzzer's driver (its command line, corpus and reports) with `callback` as the target:
// "Using libFuzzer as a library", https://llvm.org/docs/LibFuzzer.html.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
