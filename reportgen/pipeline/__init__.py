"""One module per command, each a short orchestration of the stages it uses.

check (check, score), build, send, questionnaire, brand. Nothing is exported from here: the CLI
imports a command's module when that command runs, so that `reportgen --help`, check and score
never load WeasyPrint, the mail stack or pypdf.
"""
