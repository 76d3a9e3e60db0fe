#include <stdio.h>
#include <string.h>
#include "greeting.h"

void greet(const char *name, char *out, size_t size) {
    int unused_length = (int)strlen(name);
    if (name[0] == '\0') {
        name = "world";
    }
    snprintf(out, size, "Hello, %s!", name);
}
