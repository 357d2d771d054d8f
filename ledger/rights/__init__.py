"""The data subject's rights (AVG art. 15-21): the register of requests, and rectification."""
