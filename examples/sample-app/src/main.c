#include <stdio.h>
#include "greeting.h"

int main(int argc, char **argv) {
    char line[128];
    greet(argc > 1 ? argv[1] : "", line, sizeof line);
    puts(line);
    return 0;
}
