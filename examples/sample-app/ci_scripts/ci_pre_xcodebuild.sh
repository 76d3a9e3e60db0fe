#!/bin/sh
echo "ci_pre_xcodebuild: about to $CI_XCODEBUILD_ACTION in $CI_PRIMARY_REPOSITORY_PATH"
