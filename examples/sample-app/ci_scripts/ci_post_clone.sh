#!/bin/sh
echo "ci_post_clone: $CI_PRODUCT build $CI_BUILD_NUMBER of $CI_WORKFLOW at $CI_COMMIT ($CI_BRANCH)"
