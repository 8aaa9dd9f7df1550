"""Ligne de commande : ``python -m politique_ville run --annee <annee>``."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from politique_ville.base.errors import EchecExecution, ErreurDonnees, errno_ecriture, message_ecriture

_TRADUCTIONS = {
    "usage: ": "utilisation : ",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid %(type)s value: %(value)r": "valeur invalide pour %(type)s : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (choix possibles : %(choices)s)",
    "expected one argument": "une valeur est attendue",
    "show this help message and exit": "affiche cette aide et quitte",
    "positional arguments": "arguments",
    "options": "options",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
}
argparse._ = lambda texte: _TRADUCTIONS.get(texte, texte)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # messages d'usage en français
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


# Longue : surtout les déclarations des options de la ligne de commande (argparse), une par option, avec leur aide en
# français.
def main(argv=None) -> int:
    p = _Parser(prog="politique_ville", description="Rapport sur la mise en œuvre de la politique de la ville.")
    sous = p.add_subparsers(dest="commande", required=True, metavar="commande")
    run = sous.add_parser("run", help="exécute le rapport d'une année")
    run.add_argument("--annee", type=int, required=True, help="année du rapport (celle du dossier data/raw/<annee>)")
    run.add_argument(
        "--params", type=Path, metavar="FICHIER", help="fichier de paramètres (défaut : params/<annee>.yaml)"
    )
    run.add_argument(
        "--raw-dir", type=Path, metavar="DOSSIER", help="dossier des données brutes (défaut : data/raw/<annee>)"
    )
    run.add_argument("--out", type=Path, metavar="DOSSIER", help="dossier du rapport (défaut : reports/<annee>)")
    run.add_argument(
        "--processed-dir",
        type=Path,
        metavar="DOSSIER",
        help="dossier des tables nettoyées (défaut : data/processed/<annee>) ; à donner pour un essai "
        "qui ne doit pas les remplacer",
    )
    run.add_argument(
        "--chapitres",
        metavar="LISTE",
        help="chapitres à produire, séparés par des virgules : numéro (10,20), partie du nom "
        "(programmation) ou « fiches » (fiches quartier) ; la préparation (lecture, nettoyage, "
        "validation) est toujours faite, les autres chapitres déjà produits sont gardés s'ils sont "
        "à jour",
    )
    run.add_argument(
        "--jobs", type=int, metavar="N", help="chapitres et fiches exécutés en parallèle (défaut : nombre de cœurs)"
    )
    run.add_argument("--force", action="store_true", help="ré-exécute tout, même ce qui n'a pas changé")
    pdf = sous.add_parser(
        "pdf",
        help="produit l'édition PDF du rapport déjà exécuté (rapport_<annee>.pdf et fiches_quartier_<annee>.pdf ; pour "
        "un lot de territoires, celle de chaque territoire, dans son dossier) ; "
        "demande Chromium (`make navigateur`)",
    )
    pdf.add_argument("--annee", type=int, required=True, help="année du rapport")
    pdf.add_argument(
        "--params", type=Path, metavar="FICHIER", help="fichier de paramètres (défaut : params/<annee>.yaml)"
    )
    pdf.add_argument("--out", type=Path, metavar="DOSSIER", help="dossier du rapport (défaut : reports/<annee>)")
    pdf.add_argument("--sans-fiches", action="store_true", help="seulement le rapport, sans le PDF des fiches")
    sous.add_parser(
        "noyau",
        help="enregistre le noyau Jupyter du projet dans l'environnement courant et prépare le cache des polices de "
        "matplotlib (installation : la première exécution n'a pas à le faire)",
    )
    args = p.parse_args(argv)
    # imports différés mesurés : `--help` répond en 0,04–0,18 s ; importer le catalogue et les paramètres (pandas)
    # en prend ~1 s, le runner (papermill, nbclient, nbconvert) 1,1–1,2 s (mesuré en décembre, machine chargée) : chaque
    # commande n'importe que ce qu'elle emploie
    if args.commande == "noyau":
        from .runner import installer_noyau  # import différé mesuré

        print(f"Noyau Jupyter enregistré : {installer_noyau()}")
        # sinon fait par chaque noyau de la première exécution, en même temps (plusieurs secondes chacun)
        import matplotlib.font_manager  # noqa: F401

        return 0
    if args.commande == "pdf":
        return _pdf(args)
    from .runner import executer  # import différé mesuré (voir plus haut)

    def arret_demande(signum, frame):  # SIGTERM (arrêt de la machine, du service) : comme Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, arret_demande)
    try:
        executer(
            args.annee,
            fichier_params=args.params,
            raw_dir=args.raw_dir,
            out=args.out,
            processed_dir=args.processed_dir,
            chapitres=args.chapitres.split(",") if args.chapitres else None,
            jobs=args.jobs,
            force=args.force,
        )
    except (EchecExecution, ErreurDonnees) as exc:
        print(f"\nERREUR : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "\nExécution interrompue : le rapport précédent et les tables nettoyées sont en place ; les fiches "
            "terminées seront reprises par la prochaine exécution, qui retirera le reste.",
            file=sys.stderr,
        )
        return 130
    except OSError as exc:  # dernier recours : une erreur du système non prévue, dite en français
        e = errno_ecriture(exc)
        quoi = message_ecriture(e[0], e[1] or exc.filename) if e else f"{exc.strerror or exc} ({exc.filename or '?'})"
        print(f"\nERREUR : opération impossible sur un fichier : {quoi}", file=sys.stderr)
        return 1
    return 0


def _pdf(args) -> int:
    """``pdf`` : l'édition PDF d'un rapport déjà produit ; sans Chromium, un message et le code 0 (rien n'échoue)."""
    # imports différés mesurés (voir ``main``) : le catalogue et les paramètres importent pandas
    from politique_ville.base.catalog import Catalogue  # import différé mesuré
    from politique_ville.reference.parametres import charger_parametres, nom_territoire  # import différé mesuré
    from politique_ville.report.pdf import produire  # import différé mesuré

    cat = Catalogue.pour(args.annee, reports_dir=args.out)
    if not (cat.reports_dir / "index.html").is_file():
        print(
            f"ERREUR : pas de rapport dans {cat.reports_dir} : `make report ANNEE={args.annee}` d'abord.",
            file=sys.stderr,
        )
        return 1
    try:
        params = charger_parametres(cat.racine, args.annee, args.params)
    except EchecExecution as exc:
        print(f"ERREUR : {exc}", file=sys.stderr)
        return 1
    if "territoires" in params:  # un lot : l'édition de chaque territoire publié, dans son dossier
        from politique_ville.report.pdf import produire_lot  # import différé mesuré
        from politique_ville.runner.lot import territoires_publies  # import différé mesuré

        try:
            territoires = territoires_publies(cat.reports_dir)
        except EchecExecution as exc:
            print(f"ERREUR : {exc} `make report ANNEE={args.annee}` d'abord.", file=sys.stderr)
            return 1
        produire_lot(territoires, annee=args.annee, fiches=not args.sans_fiches)
        return 0
    territoire = nom_territoire(params)
    produire(cat.reports_dir, annee=args.annee, territoire=territoire, fiches=not args.sans_fiches)
    return 0


if __name__ == "__main__":
    sys.exit(main())
