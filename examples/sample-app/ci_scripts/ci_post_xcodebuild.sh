#!/bin/sh
echo "ci_post_xcodebuild: the build tool exited with $CI_XCODEBUILD_EXIT_CODE"
