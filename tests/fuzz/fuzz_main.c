/* SPDX-License-Identifier: MIT */
/*
 * Standalone driver for the fuzz targets (jansson's habit): feeds every file
 * of the corpus directories named on the command line to
 * LLVMFuzzerTestOneInput, so plain ctest replays the seeds under gcc and
 * under the sanitizers. A crash or a sanitizer report fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return 0;
	}
	size_t n = (size_t)st.st_size;
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != n) {
		fprintf(stderr, "%s: read failed\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 1;
}

int main(int argc, char **argv)
{
	long files = 0;
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (!d) {
			int rc = run_file(argv[i]);
			if (rc < 0)
				return 1;
			files += rc;
			continue;
		}
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			int rc = run_file(path);
			if (rc < 0) {
				closedir(d);
				return 1;
			}
			files += rc;
		}
		closedir(d);
	}
	printf("%ld inputs replayed\n", files);
	return files > 0 ? 0 : 1;
}
