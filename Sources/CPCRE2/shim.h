#ifndef GROUPBOT_CPCRE2_SHIM_H
#define GROUPBOT_CPCRE2_SHIM_H

// groupbot uses the 8-bit library only: all text is UTF-8.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// PCRE2_UNSET is a cast macro that Swift cannot import.
static inline PCRE2_SIZE groupbot_pcre2_unset(void) { return PCRE2_UNSET; }

#endif
