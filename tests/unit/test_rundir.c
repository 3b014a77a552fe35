/* Run directories' names: whatever a scenario's path or its matrix makes
 * of an id, the folder it names lies under the run root (a path given as
 * ../b/x.yaml, an absolute one, a matrix value holding "../"), and one
 * that would not is refused before anything is made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/model/matrix.h"
#include "harness/run/rundir.h"

static void id_is(const char *path, const char *base, const char *want)
{
	char *id = rundir_id(path, base);

	assert_non_null(id);
	assert_string_equal(id, want);
	assert_true(rundir_id_safe(id));
	free(id);
}

static void test_ids_stay_under_the_root(void **state)
{
	char long_name[400];

	(void)state;
	id_is("scenarios/keepalive/pulled-cable.yaml", "scenarios", "keepalive/pulled-cable");
	id_is("../a/x.yaml", NULL, "x");
	/* the fallback when two share a name: the path as given, made safe */
	id_is("../b/x.yaml", "", "__/b/x");
	id_is("/tmp/../etc/x.yaml", "", "tmp/__/etc/x");
	id_is("./a//./b/x.yml", "", "a/b/x");
	id_is("a/\x1b[2Jb.yaml", "", "a/_[2Jb");
	id_is("..", "", "__");
	id_is("/", "", "_");
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	{
		char *id = rundir_id(long_name, "");

		assert_int_equal(strlen(id), RUNDIR_NAME_MAX);
		free(id);
	}
	for (const char *bad = "../x\0/abs\0a/../b\0a//b\0a/./b\0\0"; *bad; bad += strlen(bad) + 1)
		assert_false(rundir_id_safe(bad));
	assert_false(rundir_id_safe(""));
	assert_false(rundir_id_safe("a\nb"));
	assert_false(rundir_id_safe(long_name));
}

/* A matrix value with "../" stays in one component of a sweep's id. */
static void test_matrix_label_is_one_component(void **state)
{
	struct matrix_pick p = { .n = 1 };
	char *label, id[256];

	(void)state;
	p.names[0] = "x";
	p.values[0] = "../../../tmp/owned";
	label = matrix_pick_label(&p);
	snprintf(id, sizeof(id), "sweep[%s]", label);
	assert_null(strchr(id, '/'));
	assert_true(rundir_id_safe(id));
	free(label);
}

/* rundir_make() refuses an unsafe id and makes nothing. */
static void test_make_refuses(void **state)
{
	char root[] = "/tmp/unplug-rundir-XXXXXX", *dir = NULL, probe[512];
	struct diag d;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(root));
	diag_init(&d, NULL);
	assert_int_equal(rundir_make(root, "../escaped", "x", 1, NULL, &dir, &d), -EINVAL);
	assert_null(dir);
	assert_non_null(strstr(diag_last(&d), "is not a folder name under"));
	snprintf(probe, sizeof(probe), "%s/../escaped", root);
	assert_int_not_equal(stat(probe, &st), 0);
	assert_int_equal(rundir_make(root, "ok/run", "x", 1, "x=1", &dir, &d), 0);
	assert_non_null(dir);
	free(dir);
	diag_clear(&d);
	snprintf(probe, sizeof(probe), "rm -rf '%s'", root);
	assert_int_equal(system(probe), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_stay_under_the_root),
		cmocka_unit_test(test_matrix_label_is_one_component),
		cmocka_unit_test(test_make_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
