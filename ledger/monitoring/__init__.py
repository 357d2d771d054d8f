"""Monitoring and evaluation of a case: indicators per goal, measurements over time, the
tussenevaluatie and, at step 7, the evaluation report on the seven criteria."""
