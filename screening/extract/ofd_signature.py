"""An OFD's signatures (电子签章) as metadata: who signed, with what, when.

Signature.xml names the provider, its company and the signing time; the signed value (GM/T 0031
SES_Signature, DER) and the seal carry X.509 certificates, whose subject names the signer and
the signer's organisation. The certificates are found by trying each DER SEQUENCE header in the
blob (bounded), read with `cryptography`; the signature itself is not verified here.
"""
from __future__ import annotations

import warnings

from screening.extract.common import PartBuilder
from screening.extract.ofd_package import OfdPackage

SIGNER = "签章人"
SIGNER_ORG = "签章单位"
_MAX_TRIES = 400            # SEQUENCE headers tried per blob
_MAX_BLOB = 4 << 20


def signatures(pkg: OfdPackage, index_loc: str | None, meta: PartBuilder) -> None:
    index = pkg.xml(index_loc)
    for sig in index.iter("Signature") if index is not None else ():
        loc = pkg.resolve(index_loc, sig.get("BaseLoc"))
        root = pkg.xml(loc)
        if root is None:
            continue
        for provider in root.iter("Provider"):
            _add(meta, "签章提供者", " ".join(filter(None, (provider.get("ProviderName"), provider.get("Company")))))
        _add(meta, "签章时间", root.findtext(".//SignatureDateTime"))
        names: dict[tuple[str, str], None] = {}
        for blob_loc in (root.findtext("SignedValue"), root.findtext(".//Seal/BaseLoc")):
            blob_name = pkg.resolve(loc, blob_loc)
            if blob_name is not None:
                names.update(dict.fromkeys(certificate_subjects(pkg.raw(blob_name)[:_MAX_BLOB])))
        for label, value in names:
            _add(meta, label, value)


def certificate_subjects(blob: bytes) -> list[tuple[str, str]]:
    """(label, name) for the common name and organisation of every certificate in a DER blob."""
    from cryptography import x509  # only for signed OFDs: it costs a third of a second to import
    from cryptography.x509.oid import NameOID

    found: list[tuple[str, str]] = []
    pos, tries = blob.find(b"\x30\x82"), 0
    while pos >= 0 and tries < _MAX_TRIES:
        tries += 1
        length = int.from_bytes(blob[pos + 2:pos + 4], "big") + 4
        if 200 < length <= len(blob) - pos:
            try:
                with warnings.catch_warnings():  # over-long names in real seals are read all the same
                    warnings.simplefilter("ignore")
                    cert = x509.load_der_x509_certificate(blob[pos:pos + length])
                    for oid, label in ((NameOID.COMMON_NAME, SIGNER), (NameOID.ORGANIZATION_NAME, SIGNER_ORG)):
                        found += [(label, str(a.value)) for a in cert.subject.get_attributes_for_oid(oid)]
            except ValueError:
                pass
            else:
                pos += length
                pos = blob.find(b"\x30\x82", pos)
                continue
        pos = blob.find(b"\x30\x82", pos + 1)
    return found


def _add(meta: PartBuilder, label: str, value: str | None) -> None:
    value = " ".join((value or "").split())
    if value:
        meta.add(f"{label}：{value}")
