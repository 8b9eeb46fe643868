/**
 * Word lists for export content. Text drawn from a few hundred words compresses like real
 * notes and comments (roughly 4 to 8 times with gzip); a tiny list would compress a hundredfold
 * and make download benchmarks meaningless.
 */
import type { Prng } from './prng.js';

const WORDS = `
account action agenda agreement alignment allocation analysis announcement approval archive asset
audit audience backlog badge balance banner baseline benchmark billing blocker board brand brief
budget bug build bundle calendar campaign candidate capacity cardinal catalog channel chart
checklist client cluster cohort comment compliance component concept contract copy cost coverage
crew customer cycle dashboard database deadline deck decision delivery demo dependency deploy
design detail diagram digest draft driver edition email endpoint engine escalation estimate event
exhibit experiment export feature feedback field figure filter finance fixture flow folder forecast
format forum funnel gallery gateway glossary goal grant graph guide handoff headline hiring holiday
hypothesis incident index initiative insight integration interview inventory invoice issue
iteration journey kickoff label landing launch layout lead ledger legal library license lifecycle
logo loop manual mapping margin market meeting memo mentor metric migration milestone mockup
module monitor narrative network newsletter notice offer office onboarding option order outline
outreach owner package panel partner patch payment payroll persona pilot pipeline plan platform
playbook policy portal portfolio poster pricing priority process procurement product profile
program project promotion proposal prototype purchase quarter query queue quota rebate receipt
recipe record recruiting refund region release renewal report request research resource retro
review revenue risk roadmap rollout roster runbook sample schedule schema scope screen script
search section security segment seminar sequence server session signage signoff sitemap sketch
slide snapshot software source speaker specification sponsor sprint staffing standup statement
status storyboard strategy study subscription summary supplier support survey swimlane system
table target task taxonomy template tenant territory test theme ticket timeline token toolkit
topic tracker training transcript translation trial tutorial update upgrade usage vendor venue
version video vision volunteer wallet warehouse webinar widget wiki wireframe workflow workshop
`
  .trim()
  .split(/\s+/);

const VERBS = `
review update finalize draft prepare confirm schedule publish share approve migrate document
test validate refresh archive collect compare estimate organize outline plan polish prioritize
reconcile record resolve send sync translate triage verify audit benchmark clean coordinate
`
  .trim()
  .split(/\s+/);

const ADJECTIVES = `
quarterly weekly annual internal external legacy new revised final shared regional global
mobile customer partner urgent pending draft updated public private onboarding holiday summer
winter spring autumn strategic tactical critical optional secondary primary unified
`
  .trim()
  .split(/\s+/);

const FIRST_NAMES = `
Ava Ben Chloe Daniel Elena Farid Grace Hiro Isabel Jamal Kira Liam Maya Noah Olga Priya Quinn
Rafael Sofia Tomas Uma Victor Wen Ximena Yusuf Zoe Amara Bruno Carmen Dmitri Esther Felix Gianna
Hassan Ines Jonah Keiko Luca Mei Nadia Omar Paula Rohan Sana Theo Valeria Wesley Yara
`
  .trim()
  .split(/\s+/);

const LAST_NAMES = `
Abara Bianchi Castillo Dubois Eriksen Fischer Gupta Hansen Ito Jovanovic Kowalski Larsen Moreau
Nakamura Okafor Petrov Quispe Rossi Schmidt Tanaka Usman Varga Weber Xu Yilmaz Zimmermann Alvarez
Brennan Chen Delgado Evans Fontaine Garcia Haddad Ivanova Jensen Kim Lopez Mensah Novak Oliveira
Park Reyes Singh Torres Vogel Walsh Young
`
  .trim()
  .split(/\s+/);

export const COLORS = [
  'dark-pink',
  'dark-green',
  'dark-blue',
  'dark-red',
  'dark-teal',
  'dark-brown',
  'dark-orange',
  'dark-purple',
  'light-blue',
  'light-green',
  'light-pink',
  'none',
] as const;

export function personName(rng: Prng): string {
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
}

/** A short title such as "Finalize quarterly vendor checklist". */
export function title(rng: Prng): string {
  const words = [capitalize(rng.pick(VERBS))];
  if (rng.chance(0.6)) words.push(rng.pick(ADJECTIVES));
  const nouns = rng.int(1, 3);
  for (let i = 0; i < nouns; i++) words.push(rng.pick(WORDS));
  return words.join(' ');
}

/** A name for a container (project, team, portfolio), e.g. "Regional launch program". */
export function containerName(rng: Prng): string {
  const name = `${rng.pick(ADJECTIVES)} ${rng.pick(WORDS)} ${rng.pick(WORDS)}`;
  return capitalize(name);
}

/** Sentences of loosely related words, between `minWords` and `maxWords` long in total. */
export function prose(rng: Prng, minWords: number, maxWords: number): string {
  const total = rng.int(minWords, maxWords);
  const sentences: string[] = [];
  let written = 0;
  while (written < total) {
    const length = Math.min(total - written, rng.int(5, 14));
    const words: string[] = [];
    for (let i = 0; i < length; i++) {
      words.push(rng.chance(0.2) ? rng.pick(VERBS) : rng.pick(WORDS));
    }
    sentences.push(`${capitalize(words.join(' '))}.`);
    written += length;
  }
  return sentences.join(' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
