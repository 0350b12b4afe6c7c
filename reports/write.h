#ifndef OCLAB_REPORTS_WRITE_H
#define OCLAB_REPORTS_WRITE_H
/* Output folders for the reports (the files themselves go through roofline/atomic_file.h). */
#include <stddef.h>

/* Creates DIR and any missing parents (mode 0777 minus umask). Sets *created to the number of
 * folders made, so a caller can undo with rpt_remove_created. 0 ok; -1 with the reason. */
int rpt_make_dirs(const char *dir, int *created, char *err, size_t err_len);

/* Removes the CREATED innermost folders of DIR made by rpt_make_dirs (only if empty). */
void rpt_remove_created(const char *dir, int created);

#endif
