/* Text that came from input (a scenario's name or values, a program's
 * output, a file name) printed where a control character would act: a
 * terminal (ESC moves the cursor, CR overwrites a line — a file could fake
 * a PASS line), a JUnit report (XML 1.0 cannot hold them). Each control
 * character but the line feed is written as \xHH, and a backslash as
 * itself: the text stays readable and does nothing. */
#ifndef COMMON_ESCAPE_H
#define COMMON_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Whether @c is written escaped. */
bool escape_needed(unsigned char c);

/* Write @s to @f, escaped; a line feed too when @newline_too. */
void escape_fputs(const char *s, bool newline_too, FILE *f);

/* @s escaped into @buf (cut at @len - 1 bytes); returns @buf. */
const char *escape_buf(const char *s, char *buf, size_t len);

/* @s escaped, newlines too, in a new string (NULL without memory). */
char *escape_dup(const char *s);

#endif
