# A tour of regie, every role at work; on a fresh data directory: bash docs/tour.sh
set -euo pipefail
field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }  # from --json

regie init && regie actor add beheer --name 'Beheerder' --org gemeente --role administrator
export REGIE_ACTOR=beheer        # the administrator registers who acts, in which role
regie actor add regisseur --name 'Test Regisseur' --org gemeente --role regisseur
regie actor add coordinator --name 'Test Coördinator' --org gemeente --role uitvoeringscoordinator
regie actor add wijkagent --name 'Test Wijkagent' --org politie --role partner-contact
regie actor add privacy --name 'Test Privacy Officer' --org gemeente --role privacy-officer

export REGIE_ACTOR=regisseur     # the regisseur directs the case and records the convenant
ref=$(regie case open --name 'Groep Stationsplein' --municipality Voorbeeldstad --area Centrum \
  --json | field case)
regie case designate "$ref" coordinator
regie case participant add "$ref" wijkagent --reason 'Wijkagent van het Stationsplein'
convenant=$(mktemp) && cat > "$convenant" <<EOF
name = "Convenant jeugdgroepen Voorbeeldstad"
valid_from = $(date +%Y)-01-01
valid_until = $(( $(date +%Y) + 3 ))-12-31
purpose = [{ key = "groepsaanpak", label = "Integrale aanpak van de groep" }]
[[party]]
organisation = "gemeente"
role = "kernpartner"
legal_basis = ["AVG art. 6(1)(e)"]
[[party]]
organisation = "politie"
role = "kernpartner"
legal_basis = ["Wpg art. 20"]
[[party.instrument]]   # the police provide on their besluit ex art. 20 Wpg (--instrument)
kind = "wpg-art-20-besluit"
id = "JGA-1"
date = $(date +%Y)-01-01
version = "1"
scope = "Politiegegevens aan de gemeente voor de groepsaanpak"
[[share]]
article = "art. 6"
from = "politie"
to = ["gemeente"]
categories = ["identificatie", "groepspositie"]
from_step = 2
purposes = ["groepsaanpak"]
EOF
regie convenant add jga --file "$convenant"
regie convenant sign jga --party gemeente --signer 'Burgemeester' \
  && regie convenant sign jga --party politie --signer 'Teamchef politie'
REGIE_ACTOR=wijkagent regie signal add "$ref" --kind overlast --location Stationsplein \
  --source-org politie --source-role wijkagent --text 'Groep van ca. 10 jongeren, intimiderend'
regie step advance "$ref" --body ketenoverleg --reason 'Signalen bevestigd'

export REGIE_ACTOR=coordinator   # the uitvoeringscoördinator links the youths to the group
youth=$(regie subject add --name 'Test Jongere' --dob 2010-04-01 --json | field subject)
regie member add "$ref" "$youth" --core kern --influence negatief
regie namenlijst agree "$ref" --subject "$youth" --partner gemeente --partner politie
REGIE_ACTOR=wijkagent regie share add "$ref" --from politie --to gemeente --subject "$youth" \
  --category identificatie --purpose groepsaanpak --convenant jga --article 'art. 6' \
  --instrument JGA-1 --necessity 'Nodig voor het persoonsgerichte spoor'
regie letters due

export REGIE_ACTOR=privacy       # the privacy officer audits
regie audit who-saw "$youth" && regie audit findings && regie audit verify
