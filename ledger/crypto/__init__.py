"""Keys and sealing: personal data exists in the ledger only as ciphertext.

* a **master key** (file readable by its owner only, or from the environment / a secret
  file) wraps the **data keys**;
* each data subject has one data key **per data category**, so that erasing a subject
  destroys all of them, and a retention class can expire one category of a subject;
* the **signing key** (Ed25519) signs the tamper-evident log's checkpoints.
"""
