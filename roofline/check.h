#ifndef OCLAB_ROOFLINE_CHECK_H
#define OCLAB_ROOFLINE_CHECK_H
/* Typed members of untrusted JSON documents (internal to roofline/). Each check takes the member ITEM
 * (NULL when absent) and its PATH for the message ("ceilings.memory[2].gbs"); 0 when it is what the
 * document promises, else -1 with one line in err naming the member and what it must be. */
#include <stddef.h>

#include <cjson/cJSON.h>

/* TEXT fit for a one-line message: control characters (a newline, a terminal escape) shown as '?',
 * cut to 76 characters with "..." after. Returns OUT (RL_PRINTABLE_LEN bytes). */
#define RL_PRINTABLE_LEN 80
const char *rl_printable(const char *text, char *out);

/* The member KEY of OBJECT, its path PARENT.KEY written into PATH. */
const cJSON *rl_check_member(const cJSON *object, const char *parent, const char *key, char *path, size_t path_len);

/* An object, or absent when not REQUIRED. */
int rl_check_object(const cJSON *item, const char *path, int required, char *err, size_t err_len);

/* An array of at most MAX entries, or absent when not REQUIRED. */
int rl_check_array(const cJSON *item, const char *path, int required, int max, char *err, size_t err_len);

/* A string, or absent when not REQUIRED. */
int rl_check_string(const cJSON *item, const char *path, int required, char *err, size_t err_len);

/* true or false, or absent. */
int rl_check_bool(const cJSON *item, const char *path, char *err, size_t err_len);

/* A number in [LO, HI], or absent when not REQUIRED; null (what cJSON writes for a figure that could
 * not be measured) when NULL_OK. */
int rl_check_number(const cJSON *item, const char *path, int required, int null_ok, double lo, double hi,
                    char *err, size_t err_len);

#endif
