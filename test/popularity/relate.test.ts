import { describe, expect, it } from 'vitest';
import { relate } from '../../src/popularity/relate.js';

describe('relate: how a name imitates another', () => {
  it.each([
    ['lodahs', 'lodash', 'transposition'],
    ['rwact', 'react', 'keyboard-slip'],
    ['reaxt', 'react', 'keyboard-slip'],
    ['expresa', 'express', 'keyboard-slip'],
    ['lodaph', 'lodash', 'substitution'],
    ['l0dash', 'lodash', 'confusable'],
    ['1odash', 'lodash', 'confusable'],
    ['expresss', 'express', 'repeated-character'],
    ['expressss', 'express', 'repeated-character'],
    ['exprress', 'express', 'repeated-character'],
    ['exprass', 'express', 'substitution'],
    ['exxpress', 'express', 'repeated-character'],
    ['expreses', 'express', 'insertion'],
    ['expres', 'express', 'deletion'],
    ['crossenv', 'cross-env', 'delimiter'],
    ['cross_env', 'cross-env', 'delimiter'],
    ['cross.env', 'cross-env', 'delimiter'],
    ['babelcli', '@babel/cli', 'delimiter'],
    ['env-cross', 'cross-env', 'word-order'],
    ['lodash4', 'lodash', 'version-suffix'],
    ['lodash-v4', 'lodash', 'version-suffix'],
    ['lodash-js', 'lodash', 'affix'],
    ['node-lodash', 'lodash', 'affix'],
    ['jquery.js', 'jquery', 'affix'],
    ['@evil/lodash', 'lodash', 'scope'],
    ['lodash', '@evil/lodash', 'scope'],
    ['@typse/node', '@types/node', 'transposition'],
    ['unused-imports', 'eslint-plugin-unused-imports', 'plugin-shorthand'],
    ['eslint-comments', 'eslint-plugin-eslint-comments', 'plugin-shorthand'],
    ['rceat', 'react', 'scrambled'],
    ['degbu', 'debug', 'scrambled'],
    ['webpakc-dev-servr', 'webpack-dev-server', 'edit-distance-2'],
    ['fa-extar', 'fs-extra', 'edit-distance-2'],
    ['chokdazr', 'chokidar', 'edit-distance-2'],
    ['bab3el-regyster', 'babel-register', 'edit-distance-2'],
    // Six letters are enough for two edits: the 2022 campaigns' garbles of short popular names.
    ['bubird', 'bluebird', 'edit-distance-2'],
    ['mogobd', 'mongodb', 'edit-distance-2'],
    // Three edits in a long name, spread as slips over its words.
    ['rebact-eror-oveflay', 'react-error-overlay', 'edit-distance-3'],
    ['resize-obsever-pulyfjll', 'resize-observer-polyfill', 'edit-distance-3'],
    ['style-componenx', 'styled-components', 'edit-distance-3'],
    ['lodasr.debvuce', 'lodash.debounce', 'edit-distance-3'],
    // Separators dropped and one letter mistyped: the edit is named, measured without the separators.
    ['changcase', 'change-case', 'deletion'],
    ['mimetyps', 'mime-types', 'deletion'],
    ['objebtassign', 'object-assign', 'substitution'],
    ['colors-3.0', 'colors', 'version-suffix'],
    ['colors2.0', 'colors', 'version-suffix'],
    ['twilio-npm', 'twilio', 'affix'],
    // Generic words of real combo squats.
    ['colors-helper', 'colors', 'affix'],
    ['colors-update', 'colors', 'affix'],
    ['sync-colors', 'colors', 'affix'],
    ['web-browserify', 'browserify', 'affix'],
    ['lоdash', 'lodash', 'confusable'],
    ['rnoment', 'moment', 'confusable'],
  ])('%s imitates %s by %s', (candidate, target, family) => {
    expect(relate(candidate, target)).toBe(family);
  });

  it.each([
    ['lodash', 'lodash'],
    ['@types/node', 'node'],
    ['node', '@types/node'],
    ['tryer', 'retry'],
    ['react', 'preact-compat'],
    ['dw-payload', 'payload'], // a word added, not a letter mistyped: a combo name, judged by its affix only
    ['dw-build', 'esbuild'], // a separator added to a short name: another compound
    ['typetify', '@types/pify'], // the scope's letters are not the name's
    ['@acme/core-lro', '@other/core-arm'], // two letters apart, but in different scopes
    ['dw-bild', 'esbuild'],
    ['dw-util', 'rc-util'], // two edits in a short name that replace a word
    ['pdf-vir', 'pdf-lib'],
    // Three edits that make a word of their own, or fall in one word, are another package.
    ['react-native-dash', 'react-native-maps'],
    ['simple-excel-to-json', 'simple-xml-to-json'],
    ['tailwind-animate', 'tailwindcss-animate'],
    ['dependencies-tree', 'dependency-tree'],
    ['eslint-plugin-react-pug', 'eslint-plugin-react'],
    // Three edits in a name shorter than fourteen letters are too many.
    ['sequxeliwz', 'sequelize'],
  ])('%s and %s are merely different names', (candidate, target) => {
    expect(relate(candidate, target)).toBeUndefined();
  });
});
