#ifndef OCLAB_ROOFLINE_JSON_H
#define OCLAB_ROOFLINE_JSON_H
/* Reading JSON documents that come from outside (profiles, spec sheets, model configs): bounded before
 * cJSON builds anything, so a hostile file fails with one line instead of exhausting memory or stack.
 *
 * A document is refused when it is larger than RL_JSON_MAX_BYTES, holds a NUL byte, nests deeper than
 * RL_JSON_MAX_DEPTH arrays and objects, holds more than RL_JSON_MAX_ITEMS values, is not valid JSON
 * (trailing text included), or holds a number that overflows a double (1e999: JSON has no inf). */
#include <stddef.h>

#include <cjson/cJSON.h>

#define RL_JSON_MAX_BYTES (16L * 1024 * 1024) /* 70x the largest profile measured so far */
#define RL_JSON_MAX_DEPTH 64                  /* profiles nest 8 deep */
#define RL_JSON_MAX_ITEMS (1L << 20)

/* Parses TEXT[0..LEN), which must be followed by a NUL (TEXT[LEN] == '\0'); NAME (a file name) starts
 * each error. NULL with a one-line reason in err. */
cJSON *rl_json_parse(const char *text, size_t len, const char *name, char *err, size_t err_len);

/* Reads and parses the regular file PATH the same way. */
cJSON *rl_json_load(const char *path, char *err, size_t err_len);

#endif
