"""Les contrôles d'un fichier SCDL, colonne par colonne, tels que :func:`~.verification.verifier_scdl` les enchaîne :
chacun lit ses valeurs, note dans le relevé (:class:`~._communs._Releve`) les écarts au schéma et ce qui en est
fait (accepté, réparé, ligne écartée) et les erreurs qui arrêtent le fichier, et rend les valeurs lues."""

from __future__ import annotations

import numpy as np
import pandas as pd

from politique_ville.base.valeurs import ValeurIllisible, lire_nombre
from politique_ville.clean.correspondance import cle_nom_porteur, normaliser_identifiant, par_valeur, rna_valide
from politique_ville.clean.scdl._communs import _Releve
from politique_ville.clean.scdl.schema import ACCEPTE, NATURES, REPARE
from politique_ville.clean.scdl.valeurs import _POINT, _SIMPLE, _pourcentage, lire_date, lire_identifiant, lire_periode
from politique_ville.formats import nombre_fr


def _verifier_attribuant(
    df: pd.DataFrame, noms_fichier: dict, releve: _Releve, attribuant_siret: str | None, attribuant_nom: str | None
) -> pd.Series:
    """Identifiants de l'attribuant : un seul attribuant par fichier, celui qui est déclaré. Rend la clé de
    l'attribuant de chaque ligne (SIREN, sinon nom normalisé)."""
    n = len(df)
    col_att = noms_fichier["idAttribuant"]
    lus_att = par_valeur(df["idAttribuant"], lire_identifiant)
    id_att = lus_att.str[0]
    rep_att, raison_att = lus_att.str[1], lus_att.str[2]
    releve.constat_masque(rep_att.ne(""), col_att, df["idAttribuant"], "SIRET de 14 chiffres", REPARE + " : " + rep_att)
    fautifs = raison_att.ne("") & id_att.eq("")
    releve.constat_masque(fautifs, col_att, df["idAttribuant"], "SIRET de 14 chiffres", "ligne écartée : " + raison_att)
    releve.ecarter(fautifs, "identifiant de l'attribuant : " + raison_att)
    cles_att = id_att.str[:9].where(id_att != "", "nom:" + par_valeur(df["nomAttribuant"], cle_nom_porteur))
    distincts = list(dict.fromkeys(cles_att[id_att != ""])) or list(dict.fromkeys(cles_att))
    if len(distincts) > 1:
        premier = df.index[cles_att == distincts[0]][0]
        for autre in distincts[1:]:
            i = df.index[cles_att == autre][0]
            releve.err(
                f"le fichier mêle deux attribuants : « {df.at[premier, 'nomAttribuant']} » (idAttribuant "
                f"{df.at[premier, 'idAttribuant']}, ligne {int(releve.lignes[premier])}) et « {df.at[i, 'nomAttribuant']} » "
                f"(idAttribuant {df.at[i, 'idAttribuant']}, {int((cles_att == autre).sum())} ligne(s)) : un fichier "
                f"SCDL est celui d'un seul attribuant ; séparez-le et déclarez chaque fichier",
                ligne=int(releve.lignes[i]),
                colonne=col_att,
            )
    if attribuant_siret or attribuant_nom:
        attendu = normaliser_identifiant(attribuant_siret) if attribuant_siret else ""
        if attendu:
            autre = (id_att.str[:9] != attendu[:9]) & (id_att != "")
        else:
            autre = par_valeur(df["nomAttribuant"], cle_nom_porteur) != cle_nom_porteur(attribuant_nom)
        if autre.any():
            i = autre.idxmax()
            declare = " ".join(
                x
                for x in (
                    f"« {attribuant_nom} »" if attribuant_nom else "",
                    f"(SIRET {attribuant_siret})" if attribuant_siret else "",
                )
                if x
            )
            releve.err(
                f"ce fichier SCDL est celui de « {df.at[i, 'nomAttribuant']} » (idAttribuant "
                f"{df.at[i, 'idAttribuant']}), pas de l'attribuant déclaré {declare} "
                f"({int(autre.sum())} ligne(s) sur {n}) : vérifiez le fichier ou la déclaration",
                ligne=int(releve.lignes[i]),
                colonne=col_att if attendu else noms_fichier["nomAttribuant"],
            )
    return cles_att


def _lire_beneficiaires(
    df: pd.DataFrame, noms_fichier: dict, releve: _Releve, version_schema: str
) -> tuple[pd.Series, pd.Series]:
    """Bénéficiaire : SIRET (réparé s'il est sans ambiguïté) ou RNA. Rend (SIRET, RNA) lus, vides si absents ou
    invalides."""
    col_id = noms_fichier.get("idBeneficiaire", "idBeneficiaire")
    col_rna = noms_fichier.get("rnaBeneficiaire", "rnaBeneficiaire")
    rna = par_valeur(df["rnaBeneficiaire"], normaliser_identifiant)
    rna_ok = par_valeur(rna, lambda r: bool(r) and rna_valide(r)).astype(bool)
    lus_id = par_valeur(df["idBeneficiaire"], lire_identifiant)
    siret, rep_id, raison_id = lus_id.str[0], lus_id.str[1], lus_id.str[2]
    a_siret, id_ecrit = siret.ne(""), df["idBeneficiaire"].ne("")
    rna_faux = rna.ne("") & ~rna_ok
    regle_rna = "RNA « W » + 9 chiffres"
    releve.constat_masque(
        rna_faux & a_siret,
        col_rna,
        df["rnaBeneficiaire"],
        regle_rna,
        f"{ACCEPTE} : RNA invalide ignoré, ligne identifiée par son SIRET",
    )
    releve.constat_masque(
        rna_faux & ~a_siret, col_rna, df["rnaBeneficiaire"], regle_rna, "ligne écartée : RNA invalide"
    )
    releve.ecarter(
        rna_faux & ~a_siret,
        "RNA « " + df["rnaBeneficiaire"] + " » invalide (attendu : « W » suivi de 9 caractères)",
    )
    releve.constat_masque(
        a_siret & rep_id.ne(""), col_id, df["idBeneficiaire"], "SIRET de 14 chiffres", REPARE + " : " + rep_id
    )
    fautifs = ~a_siret & id_ecrit
    releve.constat_masque(
        fautifs, col_id, df["idBeneficiaire"], "SIRET de 14 chiffres à clé juste", "ligne écartée : " + raison_id
    )
    releve.ecarter(fautifs, raison_id)
    if version_schema != "2.1":
        releve.constat_masque(
            ~id_ecrit & rna_ok,
            col_id,
            df["idBeneficiaire"],
            "valeur obligatoire (avant la 2.1)",
            f"{ACCEPTE} : bénéficiaire identifié par son RNA",
        )
    sans_rien = ~id_ecrit & ~rna_ok
    releve.constat_masque(
        sans_rien, col_id, df["idBeneficiaire"], "un SIRET ou un RNA du bénéficiaire", "ligne écartée : ni SIRET ni RNA"
    )
    releve.ecarter(sans_rien, "ni SIRET ni RNA du bénéficiaire : la ligne ne peut être rapprochée d'aucun porteur")
    rna = rna.where(rna_ok, "")
    return siret, rna


def _montant_lu(v):
    """Un montant qui n'a pas l'écriture simple du schéma : nombre lu, ou raison du refus (texte)."""
    if not v:
        return "montant absent"
    try:
        x = lire_nombre(v, "montant")
    except ValeurIllisible as exc:
        return f"montant illisible : {exc}"
    return "montant absent" if pd.isna(x) else x


def _lire_montants(df: pd.DataFrame, noms_fichier: dict, releve: _Releve) -> pd.Series:
    """Montants : le point décimal du schéma, ou l'écriture à la française dans tout le fichier (jamais les deux)."""
    col_mt = noms_fichier["montant"]
    texte = df["montant"]
    a_point = texte.str.fullmatch(_POINT.pattern)
    a_virgule = texte.str.contains(",", regex=False)
    if a_point.any() and a_virgule.any():
        exemple = df.index[a_point][0]
        for i in df.index[a_virgule][:20]:
            releve.err(
                f"montant « {texte.at[i]} » écrit avec une virgule alors que les autres montants du fichier ont un point "
                f"décimal (ligne {int(releve.lignes[exemple])} : « {texte.at[exemple]} ») : lecture ambiguë (virgule décimale "
                f"ou séparateur de milliers ?), corrigez le fichier",
                ligne=int(releve.lignes[i]),
                colonne=col_mt,
            )
    simples = texte.str.fullmatch(_SIMPLE.pattern)
    montants = pd.to_numeric(texte.where(simples), errors="coerce").astype("float64")
    lus_mt = par_valeur(texte.where(~simples, ""), _montant_lu).where(~simples)
    illisibles = ~simples & lus_mt.map(lambda x: isinstance(x, str))
    lisibles = ~simples & ~illisibles
    montants = montants.where(~lisibles, pd.to_numeric(lus_mt.where(lisibles), errors="coerce"))
    regle_mt = "nombre à point décimal"
    releve.constat_masque(
        illisibles, col_mt, texte, regle_mt, "ligne écartée : " + lus_mt.where(illisibles, "").astype(str)
    )
    releve.ecarter(illisibles, lus_mt.where(illisibles, "").astype(str))
    lu_fr = montants.map(lambda x: f"{ACCEPTE} : lu {nombre_fr(x, 2)}" if pd.notna(x) else "")
    releve.constat_masque(lisibles, col_mt, texte, regle_mt, lu_fr)
    negatifs = montants < 0
    releve.constat_masque(negatifs, col_mt, texte, "montant accordé positif", "ligne écartée : montant négatif")
    releve.ecarter(negatifs, "montant négatif (" + texte + ") : une subvention accordée ne peut pas être négative")
    return montants


def _lire_parts(df: pd.DataFrame, noms_fichier: dict, releve: _Releve) -> pd.Series:
    """Parts : ``pourcentageSubvention`` entre 0,01 et 1 (absent : 100 %). Rend la fraction (NaN si fautive)."""
    col_pc = noms_fichier.get("pourcentageSubvention", "pourcentageSubvention")
    lus_pc = {v: _pourcentage(v) for v in pd.unique(df["pourcentageSubvention"])}
    for v, (x, remarque) in lus_pc.items():
        fautif = x is None or x <= 0 or x > 1 + 1e-9
        if not fautif:
            continue
        for i in df.index[df["pourcentageSubvention"] == v][:20]:
            if x is None:
                releve.err(
                    f"{remarque} (attendu : une fraction entre 0.01 et 1, par exemple 0.5 pour 50 %)",
                    int(releve.lignes[i]),
                    col_pc,
                )
            else:
                pc = " (un pourcentage écrit sans « % » ? attendu 0.5 pour 50 %)" if x > 1 else ""
                releve.err(
                    f"pourcentageSubvention « {v} » hors de l'intervalle du schéma (0,01 à 1) : la part d'un "
                    f"bénéficiaire est montant × pourcentage{pc}",
                    int(releve.lignes[i]),
                    col_pc,
                )
    pourcentage = (
        df["pourcentageSubvention"]
        .map({v: (x if x is not None and 0 < x <= 1 + 1e-9 else np.nan) for v, (x, _r) in lus_pc.items()})
        .astype("float64")
    )
    remarques_pc = df["pourcentageSubvention"].map({v: r for v, (_x, r) in lus_pc.items()})
    if "pourcentageSubvention" in noms_fichier:
        absent = df["pourcentageSubvention"].eq("")
        releve.constat_masque(
            absent, col_pc, df["pourcentageSubvention"], "valeur obligatoire", ACCEPTE + " : " + remarques_pc
        )
        autre = ~absent & remarques_pc.ne("") & pourcentage.notna()
        releve.constat_masque(
            autre,
            col_pc,
            df["pourcentageSubvention"],
            "nombre à point décimal entre 0.01 et 1",
            ACCEPTE + " : " + remarques_pc,
        )
    return pourcentage


def _lire_dates(
    df: pd.DataFrame, noms_fichier: dict, releve: _Releve, annee: int | None
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Dates et exercice : date de convention, période de versement ; avec l'année du rapport, les lignes hors de
    l'année. Rend (date de convention, exercice, lignes hors de l'année)."""
    col_dc = noms_fichier["dateConvention"]
    col_dp = noms_fichier.get("datesPeriodeVersement", "datesPeriodeVersement")
    lues_d = par_valeur(df["dateConvention"], lire_date)
    lues_p = par_valeur(df["datesPeriodeVersement"], lire_periode)
    date_conv, rem_d = lues_d.str[0], lues_d.str[1]
    periode, rem_p = lues_p.str[0], lues_p.str[1]
    sans_date, sans_periode = date_conv.isna(), periode.isna()
    regle_d, regle_p = "date AAAA-MM-JJ", "date ou période AAAA-MM-JJ/AAAA-MM-JJ"
    releve.constat_masque(sans_date, col_dc, df["dateConvention"], regle_d, "date non lue : " + rem_d)
    releve.constat_masque(~sans_date & rem_d.ne(""), col_dc, df["dateConvention"], regle_d, ACCEPTE + " : " + rem_d)
    releve.constat_masque(
        sans_periode & df["datesPeriodeVersement"].ne(""),
        col_dp,
        df["datesPeriodeVersement"],
        regle_p,
        ACCEPTE + " : non utilisée (" + rem_p + ")",
    )
    releve.constat_masque(
        ~sans_periode & rem_p.ne(""), col_dp, df["datesPeriodeVersement"], regle_p, ACCEPTE + " : " + rem_p
    )
    exercice = date_conv.map(lambda d: d.year if d is not None and not pd.isna(d) else pd.NA).astype("Int64")
    hors_annee = pd.Series(False, index=df.index)
    if annee is not None:
        inconnu = sans_date & sans_periode
        releve.ecarter(inconnu, rem_d + " et pas de période de versement lisible : exercice inconnu")
        autre_annee = ~sans_date & exercice.ne(annee).fillna(False).astype(bool)
        periode_hors = periode.map(
            lambda p: (
                p is not None and not (isinstance(p, float) and pd.isna(p)) and (p[1].year < annee or p[0].year > annee)
            )
        ).astype(bool)
        hors_annee = (autre_annee | (~sans_date & ~autre_annee & periode_hors) | (sans_date & periode_hors)) & ~inconnu
    date_conv = date_conv.where(~sans_date, None)
    return date_conv, exercice, hors_annee


def _verifier_natures(df: pd.DataFrame, noms_fichier: dict, releve: _Releve) -> None:
    """Autres valeurs du schéma (non utilisées par la comparaison) : capitales acceptées."""
    col_na = noms_fichier.get("nature", "nature")
    capitales = par_valeur(
        df["nature"], lambda v: bool(v) and v not in NATURES and v.lower().replace("; ", ";") in NATURES
    ).astype(bool)
    releve.constat_masque(
        capitales, col_na, df["nature"], "valeur en minuscules du schéma", f"{ACCEPTE} : casse ignorée"
    )
