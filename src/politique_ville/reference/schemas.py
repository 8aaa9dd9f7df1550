"""Schémas des tables : colonnes attendues, genre de chaque colonne, clés.

Un schéma décrit la *forme* d'une table, jamais son contenu : rien ici ne dépend du territoire ni de l'année.
Les listes de valeurs permises (communes, porteurs, piliers, priorités) viennent des référentiels de
``data/reference/`` et de la feuille de route de l'année.

Genres de colonne :

- ``id`` : identifiant, non vide et unique ;
- ``texte`` : texte libre, gardé tel quel (espaces de bord retirés) ;
- ``montant`` : euros, lu à la française, ≥ 0, vide = manquant ;
- ``taux`` : pourcentage, dans [0, 100] ; ``indice`` : nombre ≥ 0 ; ``effectif`` : entier ≥ 0 ;
- ``annee`` : année sur 4 chiffres ;
- ``communes`` : une ou plusieurs communes (séparées par « , ») ramenées au nom officiel ;
- ``porteur`` : porteur ramené à son nom canonique (référentiel des porteurs) ;
- ``type_porteur``, ``pilier``, ``thematique`` : codes de la nomenclature ;
- ``priorite``, ``sous_priorite`` : codes de la feuille de route (« 7 », « 7.3 ») ;
- ``code_qp`` : code de quartier, d'une des deux géographies prioritaires de l'INSEE (2015 : « QP062001 » ;
  2024 : « QN06201M », « QN0620001 ») ou code local (« LOC-QP01 » à « LOC-QP9999 », « LOC-QC01 »…), voir
  :data:`MOTIF_CODE_QP` et :func:`geographie_qpv` ;
- ``provenance`` : « publié », « reconstruit », « non publié », « supposé », « simulé » ou « approximatif »
  (vocabulaire : :mod:`politique_ville.reference.provenance`).

Noms de colonnes des fichiers de l'INSEE : un fichier tel que l'INSEE le publie (« CODGEO », « LIBGEO », « LIBCOM »,
« POP_MUN »…) est accepté sans retouche ; ses en-têtes sont ramenés aux noms internes par
:func:`renommages_colonnes` (correspondance :data:`ALIAS_COLONNES`), règle notée dans le journal du nettoyage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

GENRES_NUMERIQUES = ("montant", "taux", "indice", "effectif", "annee", "nombre")
PROVENANCES = ("publié", "reçu", "recalculé", "reconstruit", "non publié", "supposé", "simulé", "approximatif")
#: Code d'un QPV de la géographie 2015 (en vigueur jusqu'à l'entrée en vigueur de la géographie 2024) : « QP », le département sur trois
#: caractères (« 062 », « 971 », « 02A » ou « 02B » pour la Corse) puis trois chiffres : « QP062001 ».
MOTIF_CODE_QP_2015 = r"QP(?:\d{3}|02[AB])\d{3}"
#: Code d'un QPV de la géographie 2024 (en vigueur depuis le 1er janvier 2024) : « QN », le département (deux
#: chiffres, ou « 2A » / « 2B » ; un département sur trois caractères, « 971 », « 02A », en fait partie), puis 4 à 6
#: chiffres ou lettres capitales ; 8 à 10 caractères en tout, en capitales : « QN06201M », « QN0620001 ».
#: Accepté largement (la numérotation de l'INSEE n'est pas figée ici), mais jamais en minuscules ni sans département.
MOTIF_CODE_QP_2024 = r"QN(?:\d{2}|2[AB])[0-9A-Z]{4,6}"
#: Code local, pour un territoire qui n'a pas (ou pas encore) de codes INSEE : « LOC-QP01 » à « LOC-QP9999 » (QPV),
#: « LOC-QC01 »… (quartiers communautaires ou de veille).
MOTIF_CODE_QP_LOCAL = r"LOC-Q[PC]\d{2,4}"
#: Tout code de quartier accepté : géographie 2015, géographie 2024 ou code local.
MOTIF_CODE_QP = rf"^({MOTIF_CODE_QP_2015}|{MOTIF_CODE_QP_2024}|{MOTIF_CODE_QP_LOCAL})$"
#: Colonne ajoutée à la table ``insee_qpv`` nettoyée : géographie de chaque quartier (« 2015 », « 2024 », « locale »).
COLONNE_GEOGRAPHIE = "geographie_qpv"
GEOGRAPHIES_QPV = ("2015", "2024", "locale")


def geographie_qpv(code: str) -> str:
    """Géographie prioritaire d'un code de quartier : « 2015 » (« QP062001 »), « 2024 » (« QN06201M »,
    « QN0620001 ») ou « locale » (« LOC-QP01 ») ; :class:`ValueError` (message en français) pour un autre code."""
    texte = str(code)
    for motif, geographie in (
        (MOTIF_CODE_QP_2015, "2015"),
        (MOTIF_CODE_QP_2024, "2024"),
        (MOTIF_CODE_QP_LOCAL, "locale"),
    ):
        if re.fullmatch(motif, texte):
            return geographie
    raise ValueError(
        f"code de quartier « {texte} » invalide (attendu : « QP » + département + 3 chiffres, "
        f"géographie 2015, ex. « QP062001 » ; « QN » + département + 4 à 6 chiffres ou lettres, "
        f"géographie 2024, ex. « QN06201M » ; ou code local « LOC-QP01 » à « LOC-QP9999 », "
        f"« LOC-QC01 »…)"
    )


@dataclass(frozen=True)
class Colonne:
    nom: str
    genre: str = "texte"
    #: la colonne doit exister dans le fichier
    obligatoire: bool = True
    #: chaque valeur doit être renseignée
    non_vide: bool = False
    #: unité de la colonne dans le fichier brut quand elle diffère de l'unité traitée (ex. « € par mois »)
    unite_brute: str | None = None
    #: précision publiée (décimales) pour arrondir le bruit de calcul (1.7000000000000002 -> 1.7)
    decimales: int | None = None
    #: valeur donnée à toute la colonne quand le fichier ne l'a pas (la colonne n'est alors pas exigée du fichier)
    defaut: str | None = None


@dataclass(frozen=True)
class Schema:
    table: str
    colonnes: tuple[Colonne, ...]
    #: colonnes formant la clé unique
    cle: tuple[str, ...] = ()
    #: (colonne, valeur) qui signale une ligne de total imprimée dans le tableau (gardée, marquée ``est_total``)
    ligne_total: tuple[str, str] | None = None
    #: colonnes de montant dont le total doit être conservé par le nettoyage
    famille: str = "financements"
    description: str = ""
    extra: dict = field(default_factory=dict)

    def colonne(self, nom: str) -> Colonne | None:
        return next((c for c in self.colonnes if c.nom == nom), None)

    @property
    def obligatoires(self) -> list[str]:
        """Colonnes que le fichier doit avoir (une colonne qui a une valeur par défaut peut manquer)."""
        return [c.nom for c in self.colonnes if c.obligatoire and c.defaut is None]

    def par_genre(self, *genres: str) -> list[Colonne]:
        return [c for c in self.colonnes if c.genre in genres]


C = Colonne

#: Variables INSEE des quartiers (noms de l'INSEE quand ils existent) et indicateurs explicites du rapport.
INDICATEURS_INSEE: tuple[Colonne, ...] = (
    C("pop_mun", "effectif"),
    C("ind_jeune", "indice", decimales=2),
    C("pmimp", "taux", decimales=1),
    C("decuc_q2", "montant", decimales=0),
    C("tx_tot_empl", "taux", decimales=1),
    C("abcde", "effectif"),
    C("abcde_f", "effectif"),
    C("abcde_h", "effectif"),
    C("a", "effectif"),
    C("part_moins_25", "taux", decimales=1),
    C("part_menages_1pers", "taux", decimales=1),
    C("part_retard_3e", "taux", decimales=1),
    C("part_de_plus_2ans_f", "taux", decimales=1),
    C("part_de_plus_2ans_h", "taux", decimales=1),
    C("part_de_plus_2ans", "taux", decimales=1),
    # les autres variables des chiffres clés QPV de l'INSEE (noms de l'INSEE, en minuscules) : les parts en %,
    # les revenus en euros par an, les effectifs entiers ; aucune n'est arrondie (valeurs gardées telles que reçues)
    C("pop_com_qp", "effectif"),
    C("pop_com", "effectif"),
    C("tx_tot_et", "taux"),
    C("tx_f", "taux"),
    C("tx_f_et", "taux"),
    C("percou", "effectif"),
    C("part_chomprinc", "taux"),
    C("decuc_d1", "montant"),
    C("decuc_d9", "montant"),
    C("disp_q2", "montant"),
    C("disp_d1", "montant"),
    C("disp_d9", "montant"),
    C("tp60", "taux"),
    C("brev", "taux"),
    C("tx_f_empl", "taux"),
    C("tx_et_empl", "taux"),
    C("tx_tot_eprec", "taux"),
    C("tx_f_eprec", "taux"),
    C("tx_et_eprec", "taux"),
    C("abc_capbep", "effectif"),
    C("abc_bac", "effectif"),
    C("abc_supbac", "effectif"),
    C("ec_mat", "effectif"),
    C("ec_elem", "effectif"),
    C("ec_elem_pri", "effectif"),
    C("coll", "effectif"),
    C("coll_pri", "effectif"),
    C("nbetab", "effectif"),
    C("ens_sante", "effectif"),
    C("serv_par", "effectif"),
    C("serv_tot", "effectif"),
    C("auto_ent", "effectif"),
)

SCHEMAS: dict[str, Schema] = {
    s.table: s
    for s in [
        Schema(
            "programmation",
            (
                C("id_action", "id", non_vide=True),
                C("intitule", non_vide=True),
                C("porteur", "porteur", non_vide=True),
                C("type_porteur", "type_porteur", non_vide=True),
                C("communes", "communes", non_vide=True),
                C("pilier", "pilier", non_vide=True),
                C("thematique", "thematique", non_vide=True),
                C("priorite", "priorite"),
                C("sous_priorite", "sous_priorite"),
                C("droit_commun", "montant"),
                C("credits_specifiques", "montant"),
                C("cget", "montant"),
                C("provenance_droit_commun", "provenance", obligatoire=False),
                C("provenance_credits_specifiques", "provenance", obligatoire=False),
                C("provenance_cget", "provenance", obligatoire=False),
                C("source", obligatoire=False),
                # programmation tirée d'un export par une correspondance déclarée (clean.correspondance) : identifiants du
                # porteur, quartier(s) de l'action, nom du porteur tel qu'écrit dans l'export, lignes de l'export, et le
                # montant de chacun des neuf financeurs canoniques (correspondance.FINANCEURS)
                C("siret", obligatoire=False),
                C("rna", obligatoire=False),
                C("qpv", obligatoire=False),
                C("porteur_export", obligatoire=False),
                C("lignes_source", obligatoire=False),
                *(
                    C(f"montant_{code}", "montant", obligatoire=False)
                    for code in (
                        "etat_credits_specifiques",
                        "etat_droit_commun",
                        "agglomeration",
                        "communes",
                        "departement",
                        "region",
                        "caf",
                        "bailleurs",
                        "autres",
                    )
                ),
            ),
            cle=("id_action",),
            description="une ligne par action de la programmation",
        ),
        Schema(
            "porteurs",
            (
                C("tableau", non_vide=True),
                C("ordre", "effectif"),
                C("porteur", "porteur", non_vide=True),
                C("nombre_projets", "effectif", non_vide=True),
            ),
            description="tableaux des porteurs de projets (projets déposés)",
        ),
        Schema(
            "porteurs_synthese",
            (
                C("tableau", non_vide=True),
                C("nombre_projets", "effectif"),
                C("montant_cget", "montant"),
                C("depenses_subventionnables", "montant"),
                C("projets_deposes", "effectif", obligatoire=False),
                C("projets_retenus", "effectif", obligatoire=False),
            ),
            cle=("tableau",),
        ),
        Schema(
            "feuille_de_route",
            (
                C("priorite", "priorite", non_vide=True),
                C("sous_priorite", "sous_priorite"),
                C("libelle", non_vide=True),
                C("pilier", "pilier", non_vide=True),
            ),
            cle=("priorite", "sous_priorite"),
        ),
        Schema(
            "financements_programmation",
            (
                C("type_ligne", non_vide=True),
                C("financeur", non_vide=True),
                C("part", "taux"),
                C("montant", "montant"),
                C("note", obligatoire=False),
            ),
            cle=("financeur",),
        ),
        Schema(
            "fonds_cohesion_sociale",
            (
                C("section", obligatoire=False),
                C("annee", "annee"),
                C("objet"),
                C("montant", "montant", non_vide=True),
                C("nombre_volets", "effectif", obligatoire=False),
                C("regle", obligatoire=False),
            ),
        ),
        Schema(
            "fonds_concours",
            (
                C("tableau", non_vide=True),
                C("commune", "communes", non_vide=True),
                C("projet"),
                C("montant_operation", "montant"),
                C("montant_fdc", "montant", non_vide=True),
                C("regle_tableau", obligatoire=False),
            ),
            ligne_total=("commune", "TOTAL FDC"),
        ),
        Schema(
            "iti_feder",
            (
                C("type_ligne", non_vide=True),
                C("axe"),
                C("intitule_axe", obligatoire=False),
                C("porteur"),
                C("projet"),
                C("commune", "communes"),
                C("logements", "effectif"),
                C("complement", obligatoire=False),
                C("montant_feder", "montant"),
                C("libelle_rapport", obligatoire=False),
            ),
            ligne_total=("type_ligne", "total"),
        ),
        Schema(
            "npnru",
            (
                C("quartier", non_vide=True),
                C("commune", "communes", non_vide=True),
                C("enveloppe", "montant", non_vide=True),
                C("instance", obligatoire=False),
                C("date_decision", obligatoire=False),
            ),
            cle=("quartier",),
        ),
        Schema(
            "tfpb_conventions",
            (
                C("bailleur", non_vide=True),
                C("type_acte", non_vide=True),
                C("quartier", non_vide=True),
                C("communes", "communes", non_vide=True),
                C("periode"),
                C("cadre", obligatoire=False),
                C("libelle_rapport", obligatoire=False),
            ),
        ),
        Schema(
            "indicateurs_actions",
            (
                C("section", obligatoire=False),
                C("action", non_vide=True),
                C("porteur", obligatoire=False),
                C("indicateur", non_vide=True),
                C("annee", "annee"),
                C("valeur", non_vide=True),
                C("unite"),
                C("lecture_numerique", "nombre", obligatoire=False),
                C("approximatif", obligatoire=False),
            ),
            cle=("action", "indicateur", "annee"),
        ),
        Schema(
            "insee_qpv",
            (
                C("code_qp", "code_qp", non_vide=True),
                C("nom_qp"),
                C("nom_commune", "communes", non_vide=True),
                # un fichier de l'INSEE ne liste que des QPV : sans colonne « type_quartier », tous ses quartiers sont des QPV
                C("type_quartier", non_vide=True, defaut="QPV"),
                C("annee_reconnaissance", "annee", obligatoire=False),
                # codes INSEE de la (des) commune(s) du quartier, quand le fichier les donne (sélection du territoire)
                C("code_commune", obligatoire=False),
                *(
                    c if c.nom in ("pop_mun",) else Colonne(c.nom, c.genre, False, False, c.unite_brute, c.decimales)
                    for c in INDICATEURS_INSEE
                ),
            ),
            cle=("code_qp",),
            famille="insee",
            description="indicateurs INSEE par quartier ; cellule vide, « s » ou « n.s. » = secret "
            "statistique, « nd » ou « n.d. » = non disponible (jamais 0)",
        ),
        # le reste d'un fichier national ou régional (et les QPV du territoire, marqués ``dans_territoire``) : sert aux
        # seuls niveaux de comparaison calculés (compute/niveaux.py) ; communes gardées telles que le fichier les écrit,
        # département et région de chaque quartier ajoutés d'après le Code officiel géographique (clean.nettoyage)
        Schema(
            "insee_qpv_comparaison",
            (
                C("code_qp", "code_qp", non_vide=True),
                C("nom_qp"),
                C("nom_commune", obligatoire=False),
                C("code_commune", obligatoire=False),
                C("type_quartier", non_vide=True, defaut="QPV"),
                C("annee_reconnaissance", "annee", obligatoire=False),
                *(Colonne(c.nom, c.genre, False, False, c.unite_brute, c.decimales) for c in INDICATEURS_INSEE),
            ),
            cle=("code_qp",),
            famille="insee",
            description="tous les quartiers du fichier de l'INSEE, pour les niveaux de comparaison calculés",
        ),
        Schema(
            "insee_references",
            (
                C("niveau", non_vide=True),
                C("libelle_territoire"),
                *(
                    Colonne(
                        c.nom,
                        c.genre,
                        False,
                        False,
                        "€ par mois" if c.nom == "decuc_q2" else c.unite_brute,
                        c.decimales,
                    )
                    for c in INDICATEURS_INSEE
                ),
            ),
            cle=("niveau",),
            famille="insee",
        ),
        Schema(
            "insee_provenance",
            (
                C("fichier", non_vide=True),
                C("cle", non_vide=True),
                C("variable", non_vide=True),
                C("provenance", non_vide=True),
                C("commentaire", obligatoire=False),
            ),
            cle=("fichier", "cle", "variable"),
            famille="insee",
        ),
    ]
}

#: Les colonnes numériques non décrites dans un schéma (fichiers INSEE : indicateurs optionnels) sont lues selon
#: leur préfixe ou leur nom.
PREFIXES_NUMERIQUES_INSEE = {"part_": "taux", "tx_": "taux", "nb_": "effectif", "pop_": "effectif"}


def genre_implicite(table: str, colonne: str) -> str | None:
    """Genre d'une colonne INSEE supplémentaire (indicateur optionnel) d'après son nom ; ``None`` si texte."""
    if SCHEMAS.get(table) is None or SCHEMAS[table].famille != "insee":
        return None
    for prefixe, genre in PREFIXES_NUMERIQUES_INSEE.items():
        if colonne.startswith(prefixe):
            return genre
    return None


#: Correspondance des en-têtes des fichiers de l'INSEE avec les noms internes, par table. Les clés sont en
#: minuscules : la comparaison ne tient compte ni de la casse ni des espaces de bord (« CODGEO », « CodGeo »,
#: « codgeo » sont la même colonne).
#:
#: - ``CODGEO`` / ``CODE_QP`` / ``CODE_QPV`` / ``QP`` (code du quartier, géographie 2015 ou 2024) -> ``code_qp`` ;
#: - ``LIBGEO`` / ``LIB_QP`` / ``LIBQP`` / ``NOM_QP`` / ``LIB_QPV`` / ``NOM_QPV`` (nom du quartier) -> ``nom_qp`` ;
#: - ``LIBCOM`` / ``LIB_COM`` / ``COMMUNES`` / ``NOM_COM`` / ``NOM_COMMUNE`` / ``COMMUNE_QP`` (commune(s) du quartier,
#:   plusieurs séparées par « , », « ; », « / » ou « - » entouré d'espaces) -> ``nom_commune`` ;
#: - ``INSEE_COM`` / ``CODE_COM`` / ``DEPCOM`` / ``CODE_COMMUNE`` / ``CODE_INSEE``… (code(s) INSEE de la (des)
#:   commune(s), séparés par « , », « ; », « / » ou des espaces) -> ``code_commune``.
#:
#: Toute autre colonne nommée comme une variable (lettres sans accents, chiffres, « _ » : « POP_MUN », « Ind_Jeune »,
#: « pmimp », « DECUC_Q2 », « TX_TOT_EMPL », « A »…) prend son nom en minuscules (« pop_mun »…), celui des schémas
#: et de la documentation de l'INSEE ; un libellé (« Population municipale ») reste tel quel.
ALIAS_COLONNES: dict[str, dict[str, str]] = {
    "insee_qpv": {
        "codgeo": "code_qp",
        "code_qp": "code_qp",
        "code_qpv": "code_qp",
        "qp": "code_qp",
        "libgeo": "nom_qp",
        "lib_qp": "nom_qp",
        "libqp": "nom_qp",
        "lib_qpv": "nom_qp",
        "nom_qpv": "nom_qp",
        "libcom": "nom_commune",
        "lib_com": "nom_commune",
        "communes": "nom_commune",
        "nom_com": "nom_commune",
        "commune_qp": "nom_commune",
        # code(s) INSEE de la (des) commune(s) du quartier
        "insee_com": "code_commune",
        "code_com": "code_commune",
        "codecom": "code_commune",
        "com": "code_commune",
        "cod_com": "code_commune",
        "depcom": "code_commune",
        "code_commune": "code_commune",
        "codes_communes": "code_commune",
        "code_insee": "code_commune",
        "codgeo_com": "code_commune",
    },
}
ALIAS_COLONNES["insee_qpv_comparaison"] = ALIAS_COLONNES["insee_qpv"]
_NOM_DE_VARIABLE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def renommages_colonnes(table: str, colonnes) -> dict[str, str]:
    """En-têtes d'un fichier de la famille INSEE à renommer : ``{nom dans le fichier: nom interne}`` (vide si rien à
    renommer, ou si la table n'est pas de la famille INSEE). Deux colonnes du fichier qui désignent la même colonne
    interne (« CODGEO » et « code_qp ») sont une erreur (:class:`ValueError`, message en français)."""
    schema = SCHEMAS.get(table)
    if schema is None or schema.famille != "insee":
        return {}
    alias = ALIAS_COLONNES.get(table, {})
    connues = {c.nom for c in schema.colonnes}
    renommages, cibles = {}, {}
    for nom in colonnes:
        texte = str(nom).strip()
        cle = texte.lower()
        if cle in alias:
            cible = alias[cle]
        elif cle in connues or genre_implicite(table, cle) is not None or _NOM_DE_VARIABLE.fullmatch(texte):
            cible = cle
        else:
            cible = texte
        if cible in cibles:
            raise ValueError(
                f"les colonnes « {cibles[cible]} » et « {nom} » désignent toutes deux la colonne "
                f"« {cible} » : gardez-en une seule"
            )
        cibles[cible] = nom
        if cible != nom:
            renommages[nom] = cible
    return renommages


def tables_de_famille(famille: str) -> list[str]:
    return [t for t, s in SCHEMAS.items() if s.famille == famille]
