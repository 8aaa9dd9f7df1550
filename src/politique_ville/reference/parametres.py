"""Paramètres d'une année du rapport (``params/<annee>.yaml``) : noms permis, types, lecture vérifiée.

Lus une fois par le runner, qui transmet leurs *valeurs* aux notebooks (paramètre papermill ``parametres``) ; un
notebook ouvert à la main dans JupyterLab les relit ici, depuis le fichier de l'année.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from politique_ville.base.catalog import Catalogue, racine_projet
from politique_ville.base.errors import EchecExecution, ErreurDonnees
from politique_ville.reference import territoires
from politique_ville.reference.territoires import NIVEAUX, territoire

#: Paramètres permis dans params/<annee>.yaml, avec leur type et leur rôle.
PARAMETRES = {
    "annee": (int, "année du rapport"),
    "territoire": (
        (str, dict),
        "nom du territoire, tel qu'il figure en tête du rapport, ou territoire du "
        'référentiel officiel : {niveau: epci|departement|region|france, code: "…" (SIREN '
        'd\'un EPCI, code INSEE sinon), nom: "…" (facultatif, remplace le nom officiel)}',
    ),
    "territoires": (
        dict,
        "ensemble de territoires, un rapport par territoire (au lieu de « territoire ») : {niveau: epci, "
        'dans: {region: "76"}}, {niveau: epci, dans: {departement: "31"}}, {niveau: epci, dans: france} ou '
        '{niveau: epci, codes: ["243100518", …]}',
    ),
    "territoire_court": (str, "sigle ou nom court du territoire"),
    "departement": (str, "département (niveau de comparaison « QPV du département »)"),
    "fiches_quartier": (
        (str, int, list),
        "quartiers qui ont une fiche : « toutes » (défaut), un nombre (les n premiers "
        "quartiers, pour un échantillon) ou une liste de codes de quartier",
    ),
    "reference_dir": (
        str,
        "dossier des référentiels propres au territoire (communes et leurs graphies, porteurs, périmètres, "
        "nomenclature, chiffres publiés d'un rapport), relatif à la racine du projet ; sans lui, seuls les "
        "référentiels officiels et communs de data/reference (COG, registre des indicateurs, nomenclature)",
    ),
    "correspondance_programmation": (
        str,
        "fichier YAML de correspondance de l'export de la programmation (voir "
        "data/reference/correspondances/README.md), relatif à la racine du projet "
        "ou au dossier des référentiels ; sans lui, la programmation est lue dans "
        "les fichiers bruts aux noms du dépôt (programmation.csv…)",
    ),
    "scdl": (
        list,
        "fichiers de subventions au format national SCDL « Subventions », source indépendante : liste de "
        "{fichier: (dans le dossier des fichiers bruts), financeur: (financeur de la programmation : "
        'etat_credits_specifiques, agglomeration, communes…), attribuant_siret: "…", attribuant_nom: '
        '"…", correspondance: (facultatif : YAML qui relie les colonnes d\'un fichier non SCDL au schéma)}',
    ),
}
#: Clés permises de chaque fichier du paramètre ``scdl`` (``fichier`` et ``financeur`` obligatoires).
CLES_SCDL = ("fichier", "financeur", "attribuant_siret", "attribuant_nom", "correspondance")
OBLIGATOIRES = ("annee", "territoire")
#: Clés permises du paramètre ``territoire`` donné comme territoire du référentiel officiel.
CLES_TERRITOIRE = ("niveau", "code", "nom")
#: Clés permises du paramètre ``territoires`` (un ensemble de territoires), et de sa clé ``dans``.
CLES_TERRITOIRES = ("niveau", "dans", "codes", "par_territoire")
#: paramètres propres à un territoire d'un lot (``territoires: {…, par_territoire: {SIREN: {…}}}``)
CLES_PAR_TERRITOIRE = ("nom", "territoire_court", "departement", "fiches_quartier", "reference_dir")
CLES_DANS = ("region", "departement")
#: Niveaux permis pour un ensemble de territoires (un rapport par territoire).
NIVEAUX_ENSEMBLE = ("epci",)


def chemin_parametres(racine: Path, annee: int, fichier: Path | str | None = None) -> Path:
    return Path(fichier) if fichier else Path(racine) / "params" / f"{annee}.yaml"


def charger_parametres(racine: Path, annee: int, fichier: Path | str | None = None) -> dict:
    """Paramètres de l'année (``params/<annee>.yaml``). Un paramètre inconnu ou mal orthographié est une erreur, pas
    un paramètre ignoré ; l'erreur propose le nom le plus proche."""
    chemin = chemin_parametres(racine, annee, fichier)
    if not chemin.is_file():
        raise EchecExecution(
            f"Fichier de paramètres introuvable : {chemin}. Créez-le sur le modèle du fichier "
            f"d'une autre année (dossier params/)."
        )
    texte = chemin.read_text(encoding="utf-8")
    try:
        params = yaml.load(texte, Loader=_ChargeurSansDoublon) or {}
    except yaml.YAMLError as exc:
        raise EchecExecution(erreur_yaml(exc, chemin, texte)) from None
    if not isinstance(params, dict):
        raise EchecExecution(f"{chemin} : le fichier doit contenir des lignes « nom: valeur ».")
    erreurs = []
    for nom, valeur in params.items():
        if nom not in PARAMETRES:
            proche = difflib.get_close_matches(str(nom), PARAMETRES, n=1)
            erreurs.append(
                f"paramètre inconnu « {nom} »"
                + (f" (vouliez-vous dire « {proche[0]} » ?)" if proche else "")
                + f" ; paramètres permis : {', '.join(PARAMETRES)}"
            )
        elif not isinstance(valeur, PARAMETRES[nom][0]) or isinstance(valeur, bool):
            erreurs.append(f"paramètre « {nom} » : {PARAMETRES[nom][1]} attendu(e), trouvé « {valeur} »")
        elif nom == "scdl":
            erreurs += verifier_scdl(valeur)
        elif nom == "territoire" and isinstance(valeur, dict):
            territoire, erreurs_territoire = verifier_territoire(valeur)
            erreurs += erreurs_territoire
            if territoire is not None:
                params["territoire"] = territoire
        elif nom == "territoires":
            ensemble, erreurs_ensemble = verifier_territoires(valeur)
            erreurs += erreurs_ensemble
            if ensemble is not None:
                params["territoires"] = ensemble
    erreurs += verifier_reference_dir(racine, params)
    if "territoires" in params and "territoire" in params:
        erreurs.append(
            "« territoire » et « territoires » sont donnés ensemble : un seul territoire (territoire) ou un ensemble "
            "de territoires, un rapport chacun (territoires), pas les deux"
        )
    erreurs += [
        f"paramètre obligatoire absent : « {n} » ({PARAMETRES[n][1]})"
        + (f", ou « territoires » ({PARAMETRES['territoires'][1]})" if n == "territoire" else "")
        for n in OBLIGATOIRES
        if n not in params and not (n == "territoire" and "territoires" in params)
    ]
    if erreurs:
        raise EchecExecution(f"{chemin} :\n" + "\n".join(f"  - {e}" for e in erreurs))
    if int(params["annee"]) != int(annee):
        raise EchecExecution(f"{chemin} : annee = {params['annee']} alors que l'année demandée est {annee}.")
    return params


def verifier_reference_dir(racine: Path, params: dict) -> list[str]:
    """Le dossier ``reference_dir`` doit exister (relatif à la racine du projet), quelle que soit la forme du
    territoire : sinon une erreur qui nomme le chemin cherché (au lieu de référentiels absents, découverts chapitre
    par chapitre)."""
    valeur = params.get("reference_dir")
    if not isinstance(valeur, str):
        return []
    dossier = Path(valeur) if Path(valeur).is_absolute() else Path(racine) / valeur
    if dossier.is_dir():
        return []
    relatif = "" if Path(valeur).is_absolute() else f", relatif à la racine du projet {racine}"
    return [f"paramètre « reference_dir » : dossier des référentiels introuvable : {dossier} (« {valeur} »{relatif})"]


class _ChargeurSansDoublon(yaml.SafeLoader):
    """Lecture YAML sûre qui refuse un paramètre écrit deux fois (PyYAML garderait le second sans rien dire)."""

    def construct_mapping(self, node, deep=False):
        vus = set()
        for cle, _ in node.value:
            nom = self.construct_object(cle, deep=deep)
            if not isinstance(nom, (str, int, float, bool)) or nom == "<<":
                continue
            if nom in vus:
                raise yaml.constructor.ConstructorError(None, None, f"found duplicate key '{nom}'", cle.start_mark)
            vus.add(nom)
        return super().construct_mapping(node, deep=deep)


#: explications en français des erreurs de syntaxe de PyYAML (fragment du message anglais -> explication)
_EXPLICATIONS_YAML = (
    ("found duplicate key", "paramètre écrit deux fois"),
    ("found unexpected end of stream", "guillemet ouvert et jamais fermé"),
    (
        "mapping values are not allowed here",
        "« : » inattendu : une valeur qui contient « : » s'écrit entre guillemets, ou la ligne est mal indentée",
    ),
    ("found character '\\t' that cannot start any token", "tabulation : l'indentation se fait avec des espaces"),
    ("that cannot start any token", "caractère interdit en début de valeur : écrivez la valeur entre guillemets"),
    ("expected ',' or ']'", "liste entre crochets mal fermée : « , » ou « ] » attendu"),
    ("expected ',' or '}'", "accolades mal fermées : « , » ou « } » attendu"),
    ("expected <block end>", "indentation incohérente : la ligne n'est pas alignée sur celles du même niveau"),
    ("found undefined alias", "« * » en début de valeur : écrivez la valeur entre guillemets"),
    ("could not find expected ':'", "« : » attendu après le nom du paramètre"),
    ("found unhashable key", "un nom de paramètre doit être un simple mot, pas une liste ni un dictionnaire"),
)


def expliquer_yaml(exc: yaml.YAMLError) -> str:
    """L'explication en français d'une erreur de syntaxe de PyYAML (sans le lieu)."""
    probleme = str(getattr(exc, "problem", "") or exc)
    return next((fr for en, fr in _EXPLICATIONS_YAML if en in probleme), f"syntaxe YAML invalide ({probleme})")


def erreur_yaml(exc: yaml.YAMLError, chemin: Path, texte: str) -> str:
    """Une erreur de syntaxe YAML en français : fichier, ligne, colonne, explication, la ligne elle-même."""
    probleme = str(getattr(exc, "problem", "") or exc)
    explication = expliquer_yaml(exc)
    marque = getattr(exc, "problem_mark", None)
    if "end of stream" in probleme and getattr(exc, "context_mark", None) is not None:
        marque = exc.context_mark  # là où s'ouvre ce qui n'est jamais fermé
    if marque is None:
        return f"Fichier de paramètres illisible : {chemin} : {explication}."
    lignes = texte.splitlines()
    ligne = lignes[marque.line] if marque.line < len(lignes) else ""
    return (
        f"Fichier de paramètres illisible : {chemin}, ligne {marque.line + 1}, colonne {marque.column + 1} : "
        f"{explication}.\n  {ligne}\n  {' ' * marque.column}^"
    )


def verifier_scdl(valeur: list) -> list[str]:
    """Vérifie la forme du paramètre ``scdl`` : une liste de {fichier, financeur, attribuant_siret, attribuant_nom} ;
    ``fichier`` et ``financeur`` obligatoires. Renvoie la liste des erreurs (en français). Le financeur et le contenu
    des fichiers sont vérifiés au nettoyage (``scdl.lire_scdl_du_territoire``)."""
    erreurs = []
    for i, entree in enumerate(valeur, start=1):
        if not isinstance(entree, dict):
            erreurs.append(
                f"paramètre « scdl », fichier n° {i} : attendu {{fichier: …, financeur: …}}, trouvé « {entree} »"
            )
            continue
        for cle in entree:
            if cle not in CLES_SCDL:
                proche = difflib.get_close_matches(str(cle), CLES_SCDL, n=1)
                erreurs.append(
                    f"paramètre « scdl », fichier n° {i} : clé inconnue « {cle} »"
                    + (f" (vouliez-vous dire « {proche[0]} » ?)" if proche else "")
                    + f" ; clés permises : {', '.join(CLES_SCDL)}"
                )
        for cle in ("fichier", "financeur"):
            if not str(entree.get(cle) or "").strip():
                erreurs.append(f"paramètre « scdl », fichier n° {i} : « {cle} » absent")
    return erreurs


def verifier_territoire(valeur: dict) -> tuple[dict | None, list[str]]:
    """Vérifie un paramètre ``territoire`` donné comme {niveau, code, nom (facultatif)} contre le référentiel
    officiel (``politique_ville.reference.territoires``). Renvoie le paramètre normalisé — code en texte, ``nom`` : celui donné,
    sinon le nom officiel — et la liste des erreurs (en français)."""

    erreurs = []
    for cle in valeur:
        if cle not in CLES_TERRITOIRE:
            proche = difflib.get_close_matches(str(cle), CLES_TERRITOIRE, n=1)
            erreurs.append(
                f"paramètre « territoire » : clé inconnue « {cle} »"
                + (f" (vouliez-vous dire « {proche[0]} » ?)" if proche else "")
                + f" ; clés permises : {', '.join(CLES_TERRITOIRE)}"
            )
    niveau, code, nom = valeur.get("niveau"), valeur.get("code"), valeur.get("nom")
    if niveau is None:
        erreurs.append(f"paramètre « territoire » : « niveau » absent ({' | '.join(NIVEAUX)})")
    elif not isinstance(niveau, str):
        erreurs.append(f"paramètre « territoire » : niveau attendu parmi {', '.join(NIVEAUX)}, trouvé « {niveau} »")
    if code is None and str(niveau).strip().lower() != "france":
        erreurs.append(
            "paramètre « territoire » : « code » absent (SIREN d'un EPCI, code INSEE d'un département ou "
            "d'une région, entre guillemets)"
        )
    elif code is not None and (not isinstance(code, (str, int)) or isinstance(code, bool)):
        erreurs.append(f"paramètre « territoire » : code attendu en texte, trouvé « {code} »")
    if nom is not None and (not isinstance(nom, str) or not nom.strip()):
        erreurs.append(f"paramètre « territoire » : nom attendu en texte non vide, trouvé « {nom} »")
    if erreurs:
        return None, erreurs
    try:
        t = territoire(niveau, code)
    except ErreurDonnees as exc:
        return None, [f"paramètre « territoire » : {exc}"]
    return {"niveau": t.niveau, "code": t.code, "nom": nom.strip() if nom else t.nom}, []


def _cle_inconnue(parametre: str, cle, permises) -> str:
    proche = difflib.get_close_matches(str(cle), permises, n=1)
    return (
        f"paramètre « {parametre} » : clé inconnue « {cle} »"
        + (f" (vouliez-vous dire « {proche[0]} » ?)" if proche else "")
        + f" ; clés permises : {', '.join(permises)}"
    )


def verifier_territoires(valeur: dict) -> tuple[dict | None, list[str]]:
    """Vérifie un paramètre ``territoires`` (voir :func:`_verifier_ensemble`) et ses paramètres propres à un
    territoire : ``par_territoire: {SIREN: {fiches_quartier: 3, nom: …}}`` (clés permises :
    :data:`CLES_PAR_TERRITOIRE`), gardés tels quels, SIREN en texte."""
    if not isinstance(valeur, dict):
        return _verifier_ensemble(valeur)
    propres = valeur.get("par_territoire")
    ensemble, erreurs = _verifier_ensemble({k: v for k, v in valeur.items() if k != "par_territoire"})
    if propres is None:
        return ensemble, erreurs
    p = "territoires » / « par_territoire"
    if not isinstance(propres, dict):
        return None, [*erreurs, f"paramètre « {p} » : {{SIREN: {{paramètre: valeur}}}} attendu, trouvé « {propres} »"]
    normalises = {}
    for code, valeurs in propres.items():
        if not isinstance(valeurs, dict):
            erreurs.append(f"paramètre « {p} » : {code} : {{paramètre: valeur}} attendu, trouvé « {valeurs} »")
            continue
        erreurs += [
            _cle_inconnue(f"{p} » / « {code}", c, CLES_PAR_TERRITOIRE) for c in valeurs if c not in CLES_PAR_TERRITOIRE
        ]
        normalises[str(code).strip()] = dict(valeurs)
    if erreurs:
        return None, erreurs
    return {**ensemble, "par_territoire": normalises}, []


def _verifier_ensemble(valeur: dict) -> tuple[dict | None, list[str]]:
    """Vérifie un paramètre ``territoires`` (un ensemble de territoires, un rapport chacun) contre le référentiel
    officiel : ``{niveau: epci, dans: {region: "76"}}``, ``{niveau: epci, dans: {departement: "31"}}``,
    ``{niveau: epci, dans: france}`` ou ``{niveau: epci, codes: [SIREN, …]}``. Renvoie le paramètre normalisé
    (codes en texte ; ``dans`` : ``"france"`` ou ``{region|departement: code INSEE}``) et la liste des erreurs (en
    français, avec la clé la plus proche d'une clé mal orthographiée et, pour un code inconnu, ce qui existe)."""

    p = "territoires"
    erreurs = [_cle_inconnue(p, cle, CLES_TERRITOIRES) for cle in valeur if cle not in CLES_TERRITOIRES]
    niveau = valeur.get("niveau")
    if niveau is None:
        erreurs.append(f"paramètre « {p} » : « niveau » absent ({' | '.join(NIVEAUX_ENSEMBLE)})")
    elif str(niveau).strip().lower() not in NIVEAUX_ENSEMBLE:
        erreurs.append(
            f"paramètre « {p} » : niveau « {niveau} » non permis pour un ensemble de territoires ; niveau permis : "
            f"{', '.join(NIVEAUX_ENSEMBLE)} (un rapport par EPCI ; pour un seul département ou une seule région, "
            "utilisez « territoire »)"
        )
    dans, codes = valeur.get("dans"), valeur.get("codes")
    if (dans is None) == (codes is None):
        erreurs.append(
            f'paramètre « {p} » : donnez soit « dans » ({{region: "76"}}, {{departement: "31"}} ou france), soit '
            "« codes » (liste de SIREN d'EPCI)" + (", pas les deux" if dans is not None else "")
        )
    if erreurs:
        return None, erreurs
    if codes is not None:
        if not isinstance(codes, list) or not codes:
            return None, [
                f"paramètre « {p} » : « codes » : liste non vide de SIREN d'EPCI attendue, trouvé « {codes} »"
            ]
        normalises = []
        for code in codes:
            if not isinstance(code, (str, int)) or isinstance(code, bool):
                erreurs.append(f"paramètre « {p} » : code attendu en texte, trouvé « {code} »")
                continue
            try:
                normalises.append(territoires.territoire("epci", code).code)
            except ErreurDonnees as exc:
                erreurs.append(f"paramètre « {p} » : {exc}")
        if erreurs:
            return None, erreurs
        return {"niveau": "epci", "codes": list(dict.fromkeys(normalises))}, []
    if isinstance(dans, str) and dans.strip().lower() == "france":
        return {"niveau": "epci", "dans": "france"}, []
    if not isinstance(dans, dict) or len(dans) != 1:
        return None, [
            f'paramètre « {p} » : « dans » attendu sous la forme {{region: "76"}}, {{departement: "31"}} ou '
            f"france, trouvé « {dans} »"
        ]
    ((cle, code),) = dans.items()
    if cle not in CLES_DANS:
        return None, [_cle_inconnue(f"{p} » / « dans", cle, CLES_DANS)]
    try:
        return {"niveau": "epci", "dans": {cle: _code_dans(cle, code)}}, []
    except ErreurDonnees as exc:
        return None, [f"paramètre « {p} » : {exc}"]


def _code_dans(cle: str, code) -> str:
    """Code INSEE d'une région ou d'un département (donné par son code ou son nom) ; inconnu : ErreurDonnees qui
    liste les plus proches et ce qui existe."""

    table = territoires.regions() if cle == "region" else territoires.departements()
    texte = str(code).strip()
    if texte.isdigit() and len(texte) == 1:
        texte = texte.zfill(2)
    texte = texte.upper() if re.fullmatch(r"2[ab]", texte, flags=re.I) else texte
    if texte in set(table["code"]):
        return texte
    par_nom = {territoires.cle_commune(n)[0]: c for c, n in zip(table["code"], table["nom"])}
    if territoires.cle_commune(texte)[0] in par_nom:
        return par_nom[territoires.cle_commune(texte)[0]]
    quoi = "région" if cle == "region" else "département"
    try:
        territoires.territoire(cle, texte)
    except ErreurDonnees as exc:
        proches = str(exc)
    else:  # pragma: no cover (code trouvé plus haut)
        proches = ""
    existants = ", ".join(f"{c} ({n})" for c, n in zip(table["code"], table["nom"]))
    raise ErreurDonnees(f"{proches or quoi + ' inconnu : « ' + texte + ' »'}. Codes de {quoi} existants : {existants}")


def ensemble_de_territoires(valeur: dict) -> list:
    """Les territoires (``territoires.Territoire``) candidats d'un paramètre ``territoires`` normalisé
    (:func:`verifier_territoires`), dans l'ordre des codes donnés, sinon par SIREN : pour ``dans``, les EPCI qui ont
    au moins une commune dans la région ou le département (tous pour ``france``)."""

    if "codes" in valeur:
        codes = list(valeur["codes"])
    else:
        communes = territoires.communes()
        dans = valeur["dans"]
        if dans != "france":
            ((cle, code),) = dans.items()
            communes = communes[communes[cle] == code]
        codes = sorted({str(c) for c in communes["epci"].dropna() if str(c).strip()} & set(territoires.epci()["siren"]))
    return [territoires.territoire("epci", c) for c in codes]


def territoire_du_referentiel(params: dict):
    """Le territoire du référentiel officiel (``territoires.Territoire``) désigné par le paramètre ``territoire``,
    ou None s'il est donné par son seul nom."""
    valeur = params.get("territoire")
    if not isinstance(valeur, dict):
        return None

    return territoire(valeur["niveau"], valeur.get("code"))


def nom_territoire(params: dict) -> str:
    """Nom du territoire à afficher : le paramètre ``territoire`` s'il est un nom, sinon son ``nom`` (donné ou
    officiel)."""
    valeur = params.get("territoire", "")
    if isinstance(valeur, dict):
        return str(valeur.get("nom") or territoire_du_referentiel(params).nom)
    return str(valeur or "")


def catalogue_de_l_annee(annee: int, racine: Path | str | None = None, fichier: Path | str | None = None, **dossiers):
    """Le catalogue d'une année tel que le runner le fait : le dossier des référentiels du territoire est celui que
    nomment ses paramètres (``params/<annee>.yaml``, ou ``fichier``). Pour JupyterLab et les tests :
    ``catalogue_de_l_annee(annee)``. ``dossiers`` : ``raw_dir``, ``processed_dir``, ``reports_dir`` remplacés."""
    execution = {**dossiers, "racine": racine, "fichier_params": fichier}
    return catalogue_et_parametres(annee, execution, brouillon=False)[0]


#: ce que le runner donne à chaque notebook, dans son seul paramètre papermill ``execution`` (avec l'année) : les
#: dossiers de l'exécution, les valeurs des paramètres de l'année (``parametres``), le dossier de transit des tables
#: nettoyées (``staging_dir``, nettoyages et validation) et les années antérieures (étapes qui les lisent)
CLES_EXECUTION = (
    "racine",
    "raw_dir",
    "processed_dir",
    "reports_dir",
    "reference_dir",
    "fichier_params",
    "parametres",
    "staging_dir",
    "annees_anterieures",
    "annees_ecartees",
)

#: dossier (sous ``reports/``) où écrit un notebook exécuté à la main, hors du runner : le rapport publié
#: (``reports/<annee>/``) ne change jamais dans le dos du runner
BROUILLON = "brouillon"


def dossier_des_sorties(annee: int, reports_dir=None, parametres: dict | None = None, racine=None):
    """Le dossier où un notebook écrit ses sorties (classeur, Data Docs) : ``reports_dir`` s'il est donné ; pour un
    notebook exécuté à la main (ni ``reports_dir`` ni ``parametres``, que le runner donne toujours),
    ``reports/brouillon/<annee>/`` ; ``None`` sinon (le dossier du rapport, ``reports/<annee>/``)."""

    if reports_dir is not None or parametres is not None:
        return reports_dir
    return (Path(racine) if racine else racine_projet()) / "reports" / BROUILLON / str(int(annee))


def catalogue_et_parametres(annee: int, execution: dict | None = None, *, exiger: bool = True, brouillon: bool = True):
    """Ce qu'un notebook ouvre d'abord : le catalogue de l'année et les valeurs de ses paramètres.

    ``execution`` : ce que le runner donne (:data:`CLES_EXECUTION`) ; un notebook ouvert à la main n'en a pas, ses
    paramètres sont lus dans ``params/<annee>.yaml`` (sans fichier : erreur si ``exiger``, sinon la seule année), et
    il écrit ses sorties dans ``reports/brouillon/<annee>/`` (``brouillon``), jamais dans le rapport publié. Le
    dossier des référentiels du territoire est celui que nomment ses paramètres (celui du runner l'emporte)."""

    ex = dict(execution or {})
    inconnues = sorted(set(ex) - set(CLES_EXECUTION))
    if inconnues:
        raise EchecExecution(
            f"Paramètre « execution » : clé(s) inconnue(s) {', '.join(inconnues)} ; attendues : "
            f"{', '.join(CLES_EXECUTION)}"
        )
    r = Path(ex["racine"]) if ex.get("racine") else racine_projet()
    params = ex.get("parametres")
    par_le_runner = params is not None  # le runner donne toujours les paramètres
    if params is None:
        try:
            params = charger_parametres(r, annee, ex.get("fichier_params"))
        except EchecExecution:
            if exiger or ex.get("fichier_params"):  # un fichier désigné mais invalide est une erreur, pas un oubli
                raise
            params = {"annee": int(annee)}
    sorties = ex.get("reports_dir")
    if brouillon:
        sorties = dossier_des_sorties(annee, sorties, params if par_le_runner else None, r)
    cat = Catalogue.pour(
        annee,
        r,
        raw_dir=ex.get("raw_dir"),
        processed_dir=ex.get("processed_dir"),
        reports_dir=sorties,
        reference_dir=ex.get("reference_dir") or params.get("reference_dir"),
    )
    return cat, params


def dossier_des_tables(cat, execution: dict | None = None) -> Path:
    """Où un nettoyage écrit ses tables et où la validation les lit : le dossier de transit du runner
    (``staging_dir``, promu d'un coup à la fin), ou, ouvert à la main, ``data/processed/<annee>/``."""
    staging = (execution or {}).get("staging_dir")
    return Path(staging) if staging else Path(cat.processed_dir)


def selection_fiches(codes: list[str], choix="toutes") -> list[str]:
    """Quartiers qui ont une fiche (paramètre ``fiches_quartier``), dans l'ordre de ``codes`` (celui de la table) :
    « toutes » (défaut), un nombre n (les n premiers quartiers, pour un échantillon) ou une liste de codes, qui
    doivent tous exister. Choix illisible ou code inconnu : ``ValueError`` au message en français."""
    codes = list(codes)
    if choix is None or (isinstance(choix, str) and choix.strip().lower() in ("toutes", "tous")):
        return codes
    if isinstance(choix, bool):
        raise ValueError(f"fiches_quartier : « {choix} » n'est ni « toutes », ni un nombre, ni une liste de codes")
    if isinstance(choix, int):
        if choix < 0:
            raise ValueError(f"fiches_quartier : nombre de fiches négatif ({choix})")
        return codes[:choix]
    if isinstance(choix, (list, tuple)):
        connus = set(codes)
        inconnus = [str(c) for c in choix if c not in connus]
        if inconnus:
            raise ValueError(
                f"fiches_quartier : quartier(s) inconnu(s) dans la table des quartiers : {', '.join(inconnus)}"
            )
        voulus = set(choix)
        return [c for c in codes if c in voulus]
    raise ValueError(f"fiches_quartier : « {choix} » n'est ni « toutes », ni un nombre, ni une liste de codes")
