/**
 * 256 short English words, one for each value of a byte, for safety codes read aloud. Concrete
 * nouns that are easy to say and to hear apart; no two share a spelling, and none is offensive.
 */
export const SAFETY_WORDS: readonly string[] = [
  'acorn', 'actor', 'alarm', 'album', 'alpha', 'amber', 'angel', 'ankle', 'apple', 'apron',
  'arrow', 'aspen', 'atlas', 'attic', 'award', 'bacon', 'badge', 'bagel', 'baker', 'bamboo',
  'banjo', 'barrel', 'basil', 'basket', 'beach', 'beard', 'berry', 'bingo', 'bison', 'blade',
  'blanket', 'bloom', 'board', 'bonus', 'boot', 'bottle', 'bowl', 'brain', 'brave', 'bread',
  'brick', 'bridge', 'broom', 'brush', 'bucket', 'buffalo', 'bugle', 'bunny', 'butter', 'button',
  'cabin', 'cactus', 'camel', 'candle', 'canoe', 'canyon', 'carpet', 'carrot', 'castle', 'cedar',
  'cello', 'chalk', 'cherry', 'chess', 'chicken', 'chimney', 'cinema', 'circus', 'cliff', 'clock',
  'cloud', 'clover', 'cobra', 'cocoa', 'comet', 'copper', 'coral', 'corn', 'cotton', 'cowboy',
  'crab', 'crayon', 'cricket', 'crown', 'cube', 'cupcake', 'daisy', 'dancer', 'delta', 'desert',
  'diamond', 'dinner', 'doctor', 'dolphin', 'donkey', 'dragon', 'drum', 'eagle', 'earth', 'echo',
  'elbow', 'elephant', 'engine', 'falcon', 'farmer', 'feather', 'fern', 'fiddle', 'finger',
  'flag', 'flute', 'forest', 'fossil', 'fountain', 'fox', 'galaxy', 'garden', 'garlic', 'giant',
  'ginger', 'giraffe', 'glove', 'goat', 'golf', 'gorilla', 'grape', 'guitar', 'hammer', 'harbor',
  'harp', 'hawk', 'helmet', 'hero', 'honey', 'hotel', 'igloo', 'island', 'ivory', 'jacket',
  'jaguar', 'jelly', 'jigsaw', 'judge', 'jungle', 'kangaroo', 'kettle', 'kitten', 'koala',
  'ladder', 'lagoon', 'lamp', 'lantern', 'lemon', 'lion', 'lizard', 'llama', 'lobster', 'magnet',
  'mango', 'maple', 'marble', 'meadow', 'melon', 'mirror', 'monkey', 'moose', 'motor', 'muffin',
  'museum', 'napkin', 'needle', 'nest', 'noodle', 'ocean', 'olive', 'onion', 'orange', 'orbit',
  'otter', 'owl', 'paddle', 'panda', 'parrot', 'peach', 'peanut', 'pencil', 'pepper', 'piano',
  'pickle', 'pillow', 'pilot', 'pirate', 'planet', 'plum', 'pony', 'potato', 'pumpkin', 'puppet',
  'purple', 'quilt', 'rabbit', 'radio', 'rainbow', 'raven', 'river', 'robot', 'rocket', 'ruby',
  'saddle', 'salad', 'salmon', 'sandal', 'saturn', 'scarf', 'shadow', 'shark', 'sheep', 'shovel',
  'silver', 'skate', 'sketch', 'sleigh', 'snail', 'spider', 'spoon', 'squid', 'statue', 'storm',
  'sugar', 'summer', 'sunset', 'swan', 'table', 'tiger', 'toast', 'tomato', 'tractor', 'trumpet',
  'tulip', 'turtle', 'uncle', 'unicorn', 'valley', 'velvet', 'violin', 'volcano', 'wagon',
  'walnut', 'whale', 'window', 'winter', 'wizard', 'wolf', 'yogurt', 'zebra', 'zipper',
];
