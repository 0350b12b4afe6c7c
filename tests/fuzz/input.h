#ifndef OCLAB_TESTS_FUZZ_INPUT_H
#define OCLAB_TESTS_FUZZ_INPUT_H
/* What every fuzz target shares: the libFuzzer entry point, a parse of the input as the readers parse
 * a file, and a check that stops the run (abort, which libFuzzer and ctest both report) when a reader
 * accepted something it promises to refuse. */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* DATA[0..SIZE) through rl_json_parse (it needs a NUL after the text, which fuzz input lacks). NULL
 * when refused; an accepted refusal must still say why, which is checked. */
cJSON *fuzz_parse(const uint8_t *data, size_t size);

/* Aborts with WHAT on stderr unless OK. */
void fuzz_expect(int ok, const char *what);

#endif
