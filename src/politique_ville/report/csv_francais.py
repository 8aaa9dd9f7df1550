"""Une table en CSV « français » (séparateur « ; », virgule décimale), tel que l'écrit
``df.to_csv(index=False, sep=";", decimal=",", lineterminator="\\n")``, au même octet près, mais dont chaque colonne
n'est mise en texte qu'une fois pour les mêmes valeurs.

Dans un lot de territoires, l'archive « tout télécharger » de chaque territoire porte la table de comparaison du
fichier national (~1 600 quartiers, ~50 colonnes) : d'un territoire à l'autre, seule la colonne ``dans_territoire``
change. pandas formate chaque valeur à chaque fois (nombres à virgule décimale et entiers à valeurs manquantes, les
plus lents) : ~0,1 s par territoire. Ici, les champs d'une colonne sont gardés en mémoire, sous une empreinte de ses
valeurs et de son type ; une table se recompose ligne à ligne de ces champs.

Le texte de chaque colonne est celui que pandas lui donne (même formatage, mêmes guillemets : la colonne est écrite
derrière une colonne constante, pour qu'un champ vide ne soit pas un enregistrement vide). Une table dont un champ
contient un saut de ligne (champ entre guillemets sur plusieurs lignes) est écrite par pandas d'un seul tenant.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import pandas as pd

#: en deçà (tables d'un territoire), la table est écrite par pandas d'un seul tenant : la mise en texte colonne par
#: colonne et l'empreinte y coûtent plus qu'elles n'épargnent
LIGNES_MIN = 500

#: colonnes gardées en mémoire (les plus récemment employées) : la table nationale d'un lot et celles d'un territoire
COLONNES_GARDEES = 512

_CHAMPS: OrderedDict = OrderedDict()
_VERROU = threading.Lock()
_OPTIONS = {"sep": ";", "decimal": ",", "lineterminator": "\n"}


def csv_francais(df: pd.DataFrame) -> str:
    """Le texte de ``df.to_csv(index=False, sep=";", decimal=",", lineterminator="\\n")`` (voir le module)."""
    if len(df) < LIGNES_MIN or df.shape[1] == 0 or not df.columns.is_unique:
        return df.to_csv(index=False, **_OPTIONS)
    colonnes = []
    for nom in df.columns:
        champs = _champs(df[nom])
        if champs is None:
            return df.to_csv(index=False, **_OPTIONS)
        colonnes.append(champs)
    entete = df.iloc[:0].to_csv(index=False, **_OPTIONS)
    return entete + "\n".join(";".join(ligne) for ligne in zip(*colonnes)) + "\n"


def _empreinte(serie: pd.Series) -> tuple:
    valeurs = pd.util.hash_pandas_object(serie, index=False, categorize=False).to_numpy()
    return (str(serie.name), str(serie.dtype), len(serie), hashlib.blake2b(valeurs.tobytes(), digest_size=16).digest())


def _champs(serie: pd.Series) -> list[str] | None:
    """Les champs CSV de la colonne, un par ligne ; ``None`` si l'un d'eux s'étend sur plusieurs lignes."""
    try:
        cle = _empreinte(serie)
    except TypeError:  # valeurs sans empreinte (objets Python quelconques) : pas de mémoire
        cle = None
    if cle is not None:
        with _VERROU:
            champs = _CHAMPS.get(cle)
            if champs is not None:
                _CHAMPS.move_to_end(cle)
                return champs
    texte = pd.DataFrame({"_": 0, "v": serie.reset_index(drop=True)}).to_csv(index=False, header=False, **_OPTIONS)
    if texte.count("\n") != len(serie):  # un champ sur plusieurs lignes
        return None
    champs = [ligne[2:] for ligne in texte.split("\n")[:-1]]
    if cle is not None:
        with _VERROU:
            _CHAMPS[cle] = champs
            while len(_CHAMPS) > COLONNES_GARDEES:
                _CHAMPS.popitem(last=False)
    return champs
