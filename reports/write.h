#ifndef OCLAB_REPORTS_WRITE_H
#define OCLAB_REPORTS_WRITE_H
/* Atomic text files: each is written to a temporary file in its folder, flushed to disk and renamed
 * over the target, so a reader never sees half a file. */
#include <stddef.h>

/* Writes TEXT[i] to PATH[i] for i < N, all or nothing: every temporary file is written before the
 * first rename, and a failure removes the temporaries. 0 ok; -1 with a one-line reason naming the
 * path in err. */
int rpt_write_texts_atomic(const char *const *path, const char *const *text, int n, char *err, size_t err_len);

/* One file. */
int rpt_write_text_atomic(const char *path, const char *text, char *err, size_t err_len);

/* Creates DIR and any missing parents (mode 0777 minus umask). Sets *created to the number of
 * folders made, so a caller can undo with rpt_remove_created. 0 ok; -1 with the reason. */
int rpt_make_dirs(const char *dir, int *created, char *err, size_t err_len);

/* Removes the CREATED innermost folders of DIR made by rpt_make_dirs (only if empty). */
void rpt_remove_created(const char *dir, int created);

#endif
