/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for listrow: `safepc list` lines and `list --json` elements
 * from query-domain replies as the monitor writes them (with "accel"),
 * from replies of a monitor without it, and for domains whose monitor
 * does not answer (id, name, state and the state file's accelerator).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "toolstack/listrow.h"

/* A query-domain reply, as monitor_query_domain() writes it. */
static const char reply_soft[] =
	"{\"domid\":3,\"name\":\"web\",\"state\":\"running\",\"vcpus\":2,"
	"\"memory_mib\":256,\"accel\":\"soft\",\"uptime_s\":3725,"
	"\"processes\":[{\"tag\":\"hv/3\",\"role\":\"hv\",\"pid\":10,"
	"\"uid\":1,\"alive\":true},{\"tag\":\"dm/3/chipset\",\"role\":\"dm\","
	"\"pid\":11,\"uid\":2,\"alive\":true},{\"tag\":\"dm/3/ide\","
	"\"role\":\"dm\",\"pid\":12,\"uid\":3,\"alive\":false}]}";

static struct json_doc doc;

static const struct json_node *parse(const char *text)
{
	char err[128];

	if (json_parse(&doc, text, strlen(text), err, sizeof(err)))
		fail_msg("%s", err);
	return json_root(&doc);
}

static void test_header(void **state)
{
	char buf[160];

	(void)state;
	listrow_header(buf, sizeof(buf));
	assert_string_equal(buf, "ID   Name                     State          "
				 "VCPUs  Mem(MiB)     Uptime  DMs Accel");
}

static void test_text_live(void **state)
{
	struct listrow r = { .domid = 3, .name = "web", .state = "ignored",
			     .accel = "kvm" /* the reply wins */ };
	char buf[256];

	(void)state;
	r.doc = &doc;
	r.dom = parse(reply_soft);
	listrow_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "3    web                      running        "
				 "    2       256    1:02:05    1 soft ");
	/* A KVM domain, shut down and preserved: no uptime. */
	r.dom = parse("{\"state\":\"shutdown\",\"vcpus\":1,\"memory_mib\":64,"
		      "\"accel\":\"kvm\",\"uptime_s\":9,\"processes\":[]}");
	listrow_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "3    web                      shutdown       "
				 "    1        64          -    0 kvm  ");
}

/* A monitor that does not send "accel" (or sends garbage types). */
static void test_text_old_monitor(void **state)
{
	struct listrow r = { .domid = 7, .name = "old" };
	char buf[256];

	(void)state;
	r.doc = &doc;
	r.dom = parse("{\"state\":\"running\",\"vcpus\":\"x\",\"accel\":5}");
	listrow_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "7    old                      running        "
				 "    -         -          -    0 -    ");
}

static void test_text_no_reply(void **state)
{
	struct listrow r = { .domid = 12, .name = "gone", .state = "dead",
			     .accel = "kvm" };
	char buf[256];

	(void)state;
	listrow_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "12   gone                     dead           "
				 "    -         -          -    - kvm  ");
	r.state = "starting";
	r.accel = NULL;
	listrow_text(&r, buf, sizeof(buf));
	assert_string_equal(buf, "12   gone                     starting       "
				 "    -         -          -    - -    ");
}

static void test_json(void **state)
{
	struct listrow r = { .domid = 3, .name = "web" };
	const struct json_node *root, *a;
	static char buf[JSON_MAX_TEXT];
	int n;

	(void)state;
	/* A live domain: the reply as it is, "accel" included. */
	r.doc = &doc;
	r.dom = parse(reply_soft);
	n = listrow_json(&r, buf, sizeof(buf));
	assert_true(n > 0);
	root = parse(buf);
	a = json_get(&doc, root, "accel");
	assert_non_null(a);
	assert_string_equal(json_str(a), "soft");
	assert_non_null(json_get(&doc, root, "processes"));

	/* No reply: the fields list knows, "accel" when the state file
	 * said it, and nothing made up when it did not. */
	r.dom = NULL;
	r.domid = 12;
	r.name = "gone";
	r.state = "dead";
	r.accel = "kvm";
	n = listrow_json(&r, buf, sizeof(buf));
	assert_string_equal(buf, "{\"domid\":12,\"name\":\"gone\",\"state\":"
				 "\"dead\",\"accel\":\"kvm\"}");
	assert_int_equal(n, (int)strlen(buf));
	r.accel = "";
	listrow_json(&r, buf, sizeof(buf));
	assert_string_equal(buf, "{\"domid\":12,\"name\":\"gone\",\"state\":"
				 "\"dead\"}");
	/* Too small a buffer is an error, not a truncated element. */
	assert_int_equal(listrow_json(&r, buf, 10), -ENOSPC);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_text_live),
		cmocka_unit_test(test_text_old_monitor),
		cmocka_unit_test(test_text_no_reply),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests_name("listrow", tests, NULL, NULL);
}
