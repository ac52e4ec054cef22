#ifndef GROUPBOT_CLIBFUZZER_H
#define GROUPBOT_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver for programs with a main of their own (LLVM 11 and later).
/// Defined only when linked with -sanitize=fuzzer: call it only in a FUZZING build.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
