#!/bin/sh
# A literal that merely contains a dollar sign is still a literal.
API_TOKEN='q7Zx9Lm2pR4$tW8kVb'
